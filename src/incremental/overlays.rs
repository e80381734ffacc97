//! Entity files and their translations in a site with several languages: each further language
//! shows an entity with its translation laid over it (`data/smes/x.fr.yaml` over
//! `data/smes/x.yaml`, see [`crate::source::languages::overlay`]).
//!
//! [`EntityFileEdit::read`] re-reads the entity's own file (`x.yaml` or `x.yml`, whichever the
//! last build read), whether it or a translation was saved; an edit of the entity's own file
//! reaches every language, an edit of a translation its own language alone ([`EntityFileEdit::reaches`]). [`EntityFileEdit::in_language`] makes the edit
//! as one language shows it: its translation read again and laid over the record with the
//! checks of a full load (fields that can be translated, photos that the original has). A
//! translation that is new or was deleted changes which entities a language translates, which
//! only a full load finds: it takes the full path.

use super::data::{self, DataEdit};
use super::{Fallback, fall};
use crate::Prepared;
use crate::site::EntityKind;
use crate::source::data::{Entities, Entity, TranslatedFields};
use crate::source::languages::overlay::Overlays;
use crate::source::languages::split_language;
use std::path::Path;

/// A saved entity file (`smes/x.yaml`) or translation of one (`smes/x.fr.yaml`), with the
/// entity's own file parsed again.
pub(super) struct EntityFileEdit {
    /// The saved file, inside `data/`.
    saved: String,
    /// The entity's own file, inside `data/`: `smes/x.yaml`.
    original: String,
    /// The code of the translation's language; `None` when the entity's own file was saved.
    code: Option<String>,
    /// The entity's own file, parsed with the checks of a full load.
    parsed: Entities,
}

impl EntityFileEdit {
    /// Reads the entity file that `data/<saved>` is or translates.
    pub(super) fn read(
        last: &Prepared,
        root: &crate::source::files::SiteRoot,
        saved: &str,
    ) -> Result<EntityFileEdit, Fallback> {
        let (original, code) = match split_language(saved) {
            Some((original, code)) => {
                if !last.further.iter().any(|l| l.site.language.code == code) {
                    return Err(fall(format!(
                        "data/{saved} has a problem a full build reports"
                    )));
                }
                (entity_file(last, original), Some(code.to_owned()))
            }
            None => (saved.to_owned(), None),
        };
        let parsed = data::parse_file(root, &original)?;
        Ok(EntityFileEdit {
            saved: saved.to_owned(),
            original,
            code,
            parsed,
        })
    }

    /// Whether `language` shows what was saved: every language the entity's own file, its own
    /// language a translation.
    pub(super) fn reaches(&self, language: &Prepared) -> bool {
        (self.code.as_deref()).is_none_or(|code| code == language.site.language.code)
    }

    /// The edit as `language` shows it: the entity's file with the language's translation, if
    /// it has one, read again and laid over it.
    pub(super) fn in_language(
        &self,
        language: &Prepared,
        root: &crate::source::files::SiteRoot,
    ) -> Result<DataEdit, Fallback> {
        let kind = data::entity_kind(&self.original)
            .ok_or_else(|| fall(format!("data/{} changed", self.saved)))?;
        let graph = &language.site.graph;
        let translation = data::first_id(&self.parsed, kind)
            .and_then(|id| graph.find(kind, id))
            .and_then(|index| translation_of(&graph.entities, kind, index));
        let Some(translation) = translation else {
            if self.code.is_some() {
                return Err(fall(format!("data/{} is a new translation", self.saved)));
            }
            return data::edit_of(language, &self.original, self.parsed.clone());
        };
        let overlay = (translation.file.file.strip_prefix("data").ok())
            .and_then(Path::to_str)
            .map(|rel| rel.replace('\\', "/"))
            .ok_or_else(|| fall(format!("data/{} changed", self.saved)))?;
        if self.code.is_some() && overlay != self.saved {
            return Err(fall(format!("data/{} is a new translation", self.saved)));
        }
        let source = data::read_file(root, &overlay)?;
        let mut overlays = Overlays::default();
        let mut problems = Vec::new();
        let code = &language.site.language.code;
        overlays.add(code, &self.original, &source, &mut problems);
        overlays.check_originals(&self.parsed, &mut problems);
        let (translated, untranslated) = overlays.apply(&self.parsed, code);
        if !problems.is_empty() || !untranslated.is_empty() {
            return Err(fall(format!(
                "data/{overlay} has a problem a full build reports"
            )));
        }
        data::edit_of(language, &self.original, translated)
    }
}

/// The file of the entity that `smes/x.yaml` (or `.yml`) names, as the last build read it;
/// `original` itself when there is no such entity.
fn entity_file(last: &Prepared, original: String) -> String {
    let graph = &last.site.graph;
    let file = data::entity_kind(&original).and_then(|kind| {
        let name = original.split_once('/')?.1;
        let id = (name.strip_suffix(".yaml")).or_else(|| name.strip_suffix(".yml"))?;
        let index = graph.find(kind, id)?;
        let file = graph.source(kind, index).file.strip_prefix("data").ok()?;
        Some(file.to_str()?.replace('\\', "/"))
    });
    file.unwrap_or(original)
}

/// The translation laid over entity `index` of `kind`, if any.
fn translation_of(
    entities: &Entities,
    kind: EntityKind,
    index: usize,
) -> Option<&TranslatedFields> {
    fn of<T>(list: &[Entity<T>], index: usize) -> Option<&TranslatedFields> {
        list.get(index)?.translation.as_ref()
    }
    match kind {
        EntityKind::Partner => of(&entities.partners, index),
        EntityKind::Sme => of(&entities.smes, index),
        EntityKind::Mission => of(&entities.missions, index),
        EntityKind::Practice => of(&entities.practices, index),
    }
}
