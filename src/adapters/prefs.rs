//! Per-device preferences in `localStorage`: small, synchronous, read before the first paint.
//!
//! Keys are also read by the inline script in `index.html`, which applies them before the wasm
//! has loaded so the page never flashes in the wrong theme or direction.

use crate::i18n::Locale;

pub const LOCALE_KEY: &str = "hearth.locale";
pub const THEME_KEY: &str = "hearth.theme";

/// The user's theme choice; `System` follows `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<ThemeChoice> {
        ThemeChoice::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Preferences are a convenience: if storage is unavailable (private mode, quota) the app
/// still works for this visit, so a failed write is ignored on purpose.
fn write(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// The stored language, or the best match for the browser's languages on a first visit.
pub fn initial_locale() -> Locale {
    if let Some(stored) = read(LOCALE_KEY).as_deref().and_then(Locale::from_tag) {
        return stored;
    }
    let preferred: Vec<String> = web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    Locale::negotiate(preferred.iter().map(String::as_str))
}

pub fn save_locale(locale: Locale) {
    write(LOCALE_KEY, locale.tag());
}

pub fn initial_theme() -> ThemeChoice {
    read(THEME_KEY)
        .as_deref()
        .and_then(ThemeChoice::parse)
        .unwrap_or(ThemeChoice::System)
}

pub fn save_theme(theme: ThemeChoice) {
    write(THEME_KEY, theme.as_str());
}

/// Who this device acts as in a workspace: a member id, per workspace.
pub fn load_me(workspace: &str) -> Option<String> {
    read(&format!("hearth.me.{workspace}"))
}

pub fn save_me(workspace: &str, member: Option<&str>) {
    let key = format!("hearth.me.{workspace}");
    match member {
        Some(m) => write(&key, m),
        None => {
            if let Some(s) = storage() {
                let _ = s.remove_item(&key);
            }
        }
    }
}

/// The columns a list shows on this device (`hearth.columns.<kind>`), as field keys.
pub fn load_columns(kind: &str) -> Option<Vec<String>> {
    read(&format!("hearth.columns.{kind}")).map(|s| {
        s.split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

pub fn save_columns(kind: &str, columns: &[String]) {
    write(&format!("hearth.columns.{kind}"), &columns.join(","));
}

const MAPPINGS_KEY: &str = "hearth.import-mappings";
/// How many import mappings are remembered, most recent first.
const MAPPINGS_KEPT: usize = 20;

/// Column mappings of earlier imports (`crm_core::Mapping` as JSON), most recent first.
pub fn saved_mappings() -> Vec<String> {
    read(MAPPINGS_KEY)
        .map(|s| s.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Remembers the mapping of an import so a file with the same columns maps the same way next
/// time. Compact JSON holds no raw newline, so one mapping per line.
pub fn save_mapping(json: &str) {
    let mut all = saved_mappings();
    all.retain(|m| m != json);
    all.insert(0, json.replace('\n', " "));
    all.truncate(MAPPINGS_KEPT);
    write(MAPPINGS_KEY, &all.join("\n"));
}
