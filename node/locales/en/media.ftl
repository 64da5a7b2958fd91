## Publication photos

media-legend = Photo
media-file = Choose a photo
media-replace = Replace the photo
media-file-hint = JPEG, PNG, WebP or GIF, { $max } MB at most. It is resized and its metadata (GPS position, camera) is removed.
media-alt = Photo description
media-alt-hint = What the photo shows, for people who cannot see it. Required with a photo.
media-current = Current photo
media-remove = Remove the photo
media-choose-again = The form had an error: choose your photo again.
media-alt-without-photo = Choose the photo this description goes with, or clear the description.
media-not-a-picture = This file is not a JPEG, PNG, WebP or GIF picture.
media-too-many-pixels = This picture is too large (50 megapixels and 12,000 pixels a side at most).
media-damaged = This picture is damaged or incomplete.
media-too-large = This file is too large: 10 MB at most.
media-bad-form = This form could not be read. Reload the page and try again.
