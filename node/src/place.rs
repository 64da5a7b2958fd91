//! Where something happens or is based: an address and, when known, coordinates.

use serde::{Deserialize, Serialize};

use crate::validation::{Lines, MAX_SHORT, Validated, ValidationError, optional_text};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Place {
    /// The venue's name ("Fablab des Couronneries").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

impl Place {
    /// `field` is the path of the place in the enclosing draft, used in error messages.
    pub fn validate(self, field: &str) -> Validated<Place> {
        let name = optional_text(&format!("{field}.name"), self.name, MAX_SHORT, Lines::One)?;
        let address = optional_text(
            &format!("{field}.address"),
            self.address,
            MAX_SHORT,
            Lines::One,
        )?;
        match (self.latitude, self.longitude) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    return Err(ValidationError::new(
                        format!("{field}.latitude"),
                        "must be between -90 and 90",
                    ));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    return Err(ValidationError::new(
                        format!("{field}.longitude"),
                        "must be between -180 and 180",
                    ));
                }
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(ValidationError::new(
                    format!("{field}.longitude"),
                    "is required when latitude is given",
                ));
            }
            (None, Some(_)) => {
                return Err(ValidationError::new(
                    format!("{field}.latitude"),
                    "is required when longitude is given",
                ));
            }
        }
        Ok(Place {
            name,
            address,
            latitude: self.latitude,
            longitude: self.longitude,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.address.is_none() && self.latitude.is_none()
    }

    /// One line for listings: the name and address that are known.
    pub fn label(&self) -> String {
        [self.name.as_deref(), self.address.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_checked() {
        let p = Place {
            latitude: Some(91.0),
            longitude: Some(0.0),
            ..Place::default()
        };
        assert_eq!(p.validate("place").unwrap_err().field, "place.latitude");
        let p = Place {
            latitude: Some(46.58),
            longitude: None,
            ..Place::default()
        };
        assert_eq!(p.validate("place").unwrap_err().field, "place.longitude");
    }
}
