//! View -> files. Emitters build tokens with `quote`, print them with
//! `prettyplease`, and render `templates/` with tera; the result is a
//! [`FileSet`](crate::output::FileSet), which `output` writes (or compares)
//! as a whole. Emitters decide no name and no type: they print the
//! [`View`](crate::view::View).

mod aliases;
mod client;
mod crates;
mod examples;
mod models;
mod params;
pub mod rust;
mod server;
pub mod templates;

pub use crates::emit_project;
pub use examples::exerciser;
