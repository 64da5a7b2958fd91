//! The JSON API under `/api/v1`: tokens, territories, and their events, resources and calls.

pub(crate) mod answers;
pub(crate) mod collectives;
pub(crate) mod festivals;
pub(crate) mod matching;
pub(crate) mod network;
pub(crate) mod partnerships;
pub use network::{DirectoryParams, NetworkParams, archive_items, directory_items, network_items};
pub(crate) mod publications;
pub(crate) mod registrations;
pub(crate) mod series;
pub use publications::kind_of_collection;
pub(crate) use territories::patched_profile;
pub(crate) mod territories;
pub(crate) mod tokens;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tokens", post(tokens::create))
        .route(
            "/api/v1/collectives",
            get(collectives::list).post(collectives::create),
        )
        .route("/api/v1/collectives/{slug}", get(collectives::show))
        .route(
            "/api/v1/collectives/{slug}/proposals",
            post(collectives::propose_here),
        )
        .route("/api/v1/proposals", post(collectives::propose))
        .route("/api/v1/votes", post(collectives::vote))
        .route(
            "/api/v1/territories/{slug}/collectives",
            get(collectives::of_territory),
        )
        .route("/api/v1/me", get(tokens::me))
        .route(
            "/api/v1/territories",
            get(territories::list).post(territories::create),
        )
        .route(
            "/api/v1/territories/{slug}",
            get(territories::show).patch(territories::update),
        )
        .route(
            "/api/v1/territories/{slug}/following",
            get(network::following)
                .post(network::follow)
                .delete(network::unfollow),
        )
        .route(
            "/api/v1/calls/{id}/answers",
            get(answers::list).post(answers::create),
        )
        .route("/api/v1/calls/{id}/suggestions", get(matching::suggestions))
        .route(
            "/api/v1/events/{id}/registrations",
            get(registrations::list),
        )
        .route(
            "/api/v1/events/{id}/registrations/decision",
            post(registrations::decide),
        )
        .route(
            "/api/v1/events/{id}/registrations/message",
            post(registrations::message),
        )
        .route("/api/v1/network/matching", get(matching::board))
        .route("/api/v1/calls/{id}/in-progress", post(answers::in_progress))
        .route("/api/v1/calls/{id}/close", post(answers::close))
        .route("/api/v1/answers/{id}/decision", post(answers::decide))
        .route("/api/v1/network/answers", post(answers::create_remote))
        .route(
            "/api/v1/territories/{slug}/answers",
            get(answers::of_territory),
        )
        .route(
            "/api/v1/territories/{slug}/partners",
            get(answers::partners),
        )
        .route(
            "/api/v1/territories/{slug}/partnerships",
            get(partnerships::list).post(partnerships::offer),
        )
        .route(
            "/api/v1/territories/{slug}/partnerships/{id}/{verb}",
            post(partnerships::change),
        )
        .route("/api/v1/links", get(partnerships::links))
        .route("/api/v1/links.geojson", get(partnerships::links_geojson))
        .route(
            "/api/v1/festivals",
            get(festivals::list).post(festivals::create),
        )
        .route("/api/v1/festivals/{slug}", get(festivals::show))
        .route(
            "/api/v1/festivals/{slug}/submissions",
            get(festivals::submissions).post(festivals::submit_here),
        )
        .route("/api/v1/submissions", post(festivals::submit))
        .route("/api/v1/submissions/{id}/decision", post(festivals::decide))
        .route(
            "/api/v1/submissions/{id}/withdraw",
            post(festivals::withdraw),
        )
        .route(
            "/api/v1/territories/{slug}/submissions",
            get(festivals::of_territory),
        )
        .route("/api/v1/network/directory", get(network::directory))
        .route(
            "/api/v1/network/subscriptions",
            get(network::subscriptions).post(network::subscribe),
        )
        .route("/api/v1/network/archive", get(network::archive))
        .route("/api/v1/network/{collection}", get(network::view))
        .route(
            "/api/v1/territories/{slug}/followers",
            get(territories::followers).post(territories::decide_follower),
        )
        .route(
            "/api/v1/territories/{slug}/{collection}",
            get(publications::list_of_territory).post(publications::create),
        )
        .route(
            "/api/v1/series/{id}",
            get(series::show).delete(series::delete),
        )
        .route("/api/v1/{collection}", get(publications::list))
        .route(
            "/api/v1/{collection}/{id}",
            get(publications::show)
                .patch(publications::update)
                .delete(publications::delete),
        )
        .route(
            "/api/v1/{collection}/{id}/comments",
            get(publications::comments),
        )
        .route(
            "/api/v1/{collection}/{id}/comments/{comment_id}",
            axum::routing::delete(publications::hide_comment),
        )
}
