//! The HTTP API's errors: each has its status and answers with the JSON body
//! `{"error": "<message>", "status": <code>}` (see [`hypercore_verify::wire`]).

use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use hypercore_verify::wire::QueryError;
use serde_json::json;

use crate::store::ServeError;

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
	/// The feed key in the path is not 64 hex characters (400).
	#[error("the feed key must be 64 hex characters")]
	BadKey,
	/// The block index in the path is not a whole number (400).
	#[error("the block index must be a whole number")]
	BadIndex,
	/// The block request's query breaks a rule (400).
	#[error(transparent)]
	BadQuery(#[from] QueryError),
	/// A contact request's body is not one SCALE `ContactRequest`, or names a block twice (400).
	#[error("bad contact request: {0}")]
	BadContactRequest(&'static str),
	/// A block a contact request names was not served to its address at that
	/// length with that leaf hash, lately (403).
	#[error("block {index} was not served to this address at length {length} with that leaf hash")]
	NotServed {
		/// The block.
		index: u64,
		/// The length named.
		length: u64,
	},
	/// A request's body took longer than the server waits (408).
	#[error("the request body took too long")]
	BodyTimeout,
	/// A request's body is larger than the route takes (413).
	#[error("the request body is larger than {limit} bytes")]
	BodyTooLarge {
		/// The largest body taken.
		limit: usize,
	},
	/// No such feed is stored here (404).
	#[error("unknown feed")]
	UnknownFeed,
	/// The anchor length is beyond the stored length (416).
	#[error("length {length} is beyond the stored length {stored}")]
	LengthBeyondStored {
		/// The length asked for.
		length: u64,
		/// The length stored.
		stored: u64,
	},
	/// The block is not below the anchor length (416).
	#[error("block {index} is not below length {length}")]
	IndexNotBelowLength {
		/// The block asked for.
		index: u64,
		/// The anchor length.
		length: u64,
	},
	/// The feed's storage is damaged or unreadable (500).
	#[error("storage: {0}")]
	Storage(String),
	/// No route matches the path (404).
	#[error("no such route")]
	NoRoute,
}

impl ApiError {
	/// Why block `index` could not be served with its proof at `length` of a feed storing `stored` blocks.
	pub fn serving(error: ServeError, index: u64, length: u64, stored: u64) -> Self {
		match error {
			ServeError::LengthOutOfRange => ApiError::LengthBeyondStored { length, stored },
			ServeError::IndexOutOfRange => ApiError::IndexNotBelowLength { index, length },
			ServeError::Storage(e) => ApiError::Storage(e),
		}
	}

	/// The HTTP status it answers with.
	pub fn status(&self) -> StatusCode {
		match self {
			ApiError::BadKey
			| ApiError::BadIndex
			| ApiError::BadQuery(_)
			| ApiError::BadContactRequest(_) => StatusCode::BAD_REQUEST,
			ApiError::NotServed { .. } => StatusCode::FORBIDDEN,
			ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
			ApiError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
			ApiError::UnknownFeed | ApiError::NoRoute => StatusCode::NOT_FOUND,
			ApiError::LengthBeyondStored { .. } | ApiError::IndexNotBelowLength { .. } => {
				StatusCode::RANGE_NOT_SATISFIABLE
			},
			ApiError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
		}
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let status = self.status();
		(status, Json(json!({ "error": self.to_string(), "status": status.as_u16() })))
			.into_response()
	}
}
