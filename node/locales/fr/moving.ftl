# Déménager un territoire vers un autre nœud (FEP-7628) : son archive, et le déménagement.
moving-title = Archive et déménagement
moving-archive-title = Archive du territoire
moving-archive-intro = Une archive contient le profil et les réglages du territoire, toutes ses publications (événements passés et séries compris), leurs images et documents, la liste de ses abonnés et de ses abonnements. C'est sa sauvegarde, et sa façon de partir : le nœud d'arrivée la lit avec « rhizome territory import ».
moving-archive-download = Télécharger l'archive
moving-archive-no-key = L'archive ne contient pas la clé privée du territoire : le nœud d'arrivée signe avec sa propre clé, et le déménagement n'en a pas besoin.
moving-aliases-title = Ce territoire est aussi
moving-no-aliases = Aucun autre compte : ce territoire n'a pas été importé d'un autre nœud.
moving-imported-followers = { $count ->
    [one] Un abonné venait avec l'archive ; il suivra ce territoire de lui-même en recevant le déménagement.
   *[other] { $count } abonnés venaient avec l'archive ; ils suivront ce territoire d'eux-mêmes en recevant le déménagement.
}
moving-move-title = Déménager
moving-move-intro = Importez d'abord l'archive sur le nouveau nœud : son territoire nommera { $actor } comme ancien compte. Ici, le territoire indiquera alors sa nouvelle adresse, ses abonnés (Rhizome comme Mastodon) suivront le nouveau, et ses pages redirigeront vers lui. Il ne publiera plus ici.
moving-target = Adresse du territoire sur le nouveau nœud (https://… ou @nom@nœud)
moving-move-button = Déménager le territoire
moving-moved-to = Ce territoire a déménagé :
moving-target-required = Indiquez l'adresse du territoire sur le nouveau nœud.
moving-target-unreachable = Le nouveau nœud n'a pas pu être joint ; réessayez plus tard.
