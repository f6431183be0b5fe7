//! Inline SVG icons (24×24, stroked with `currentColor`): no icon font, nothing to download.
//! All are decorative (`aria-hidden`); the control that holds one carries the accessible name.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Dashboard,
    Contacts,
    Companies,
    Deals,
    Activities,
    Tasks,
    Settings,
    Menu,
    Close,
    Sun,
    Moon,
    Logo,
}

impl Icon {
    /// SVG path data; several sub-paths are joined in one `d`.
    fn path(self) -> &'static str {
        match self {
            Icon::Dashboard => "M4 4h7v9H4zM13 4h7v5h-7zM13 11h7v9h-7zM4 15h7v5H4z",
            Icon::Contacts => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-7 8-7s8 3 8 7",
            Icon::Companies => {
                "M4 21V5l8-3v19M12 8h8v13M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2M2 21h20"
            }
            Icon::Deals => "M3 7h18v12H3zM8 7V5h8v2M3 12h18M11 12v2h2v-2",
            Icon::Activities => "M3 12h4l3-8 4 16 3-8h4",
            Icon::Tasks => "M4 4h16v16H4zM8 12l3 3 5-6",
            Icon::Settings => {
                "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-1-3-2 .3-1.3-1.3.3-2-3-1-1 2h-2l-1-2-3 1 .3 2L6 7.3 4 7l-1 3 2 1v2l-2 1 1 3 2-.3 1.3 1.3-.3 2 3 1 1-2h2l1 2 3-1-.3-2 1.3-1.3 2 .3 1-3-2-1z"
            }
            Icon::Menu => "M3 6h18M3 12h18M3 18h18",
            Icon::Close => "M5 5l14 14M19 5L5 19",
            Icon::Sun => {
                "M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM12 1v2M12 21v2M4.2 4.2l1.4 1.4M18.4 18.4l1.4 1.4M1 12h2M21 12h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4"
            }
            Icon::Moon => "M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z",
            Icon::Logo => "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1zM12 11v0",
        }
    }
}

#[component]
pub fn Svg(icon: Icon) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="24"
            height="24"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=icon.path() />
        </svg>
    }
}
