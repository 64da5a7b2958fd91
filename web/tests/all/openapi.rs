//! The OpenAPI document at `/api/v1/openapi.json` against the API it describes.
