//! Settings → Sharing: invite colleagues and see how sync stands (relay connected, offline or
//! syncing; changes waiting to go out; when this device last caught up).

use crm_sync::Connection;
use leptos::prelude::*;

use crate::i18n::intl::format_date_time;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_session;

#[component]
pub fn SharingSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let link = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let invite = move |_| {
        session.invite(move |r| match r {
            Ok(url) => {
                link.set(Some(url));
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        })
    };
    let copy = move |_| {
        if let Some(url) = link.get_untracked() {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&url);
            copied.set(true);
        }
    };
    let state = move || {
        session.sync.with(|s| match s {
            None => i18n.t(Msg::SyncNotShared),
            Some(v) if v.elsewhere => i18n.t(Msg::SyncElsewhere),
            Some(v) => i18n.t(match v.connection {
                Connection::Offline => Msg::SyncOffline,
                Connection::Connecting => Msg::SyncConnecting,
                Connection::Syncing => Msg::SyncSyncing,
                Connection::Synced => Msg::SyncSynced,
            }),
        })
    };
    view! {
        <section class="card" aria-labelledby="sharing-title">
            <h2 id="sharing-title">{move || i18n.t(Msg::SyncTitle)}</h2>
            <p class="muted">{move || i18n.t(Msg::SyncHint)}</p>
            <p role="status" data-testid="sync-state">{state}</p>
            <Show when=move || session.sync.with(|s| s.as_ref().is_some_and(|v| !v.elsewhere))>
                <p data-testid="sync-peers">
                    {move || {
                        let n = |v: usize| crate::i18n::intl::format_number(i18n.locale(), v as f64);
                        let peers = session.sync.with(|s| s.as_ref().map_or(0, |v| v.peers));
                        i18n.t_with(
                            Msg::SyncPeers,
                            &[("peers", &n(peers)), ("direct", &n(session.direct_links.get()))],
                        )
                    }}
                </p>
            </Show>
            <Show when=move || session.sync.with(|s| s.as_ref().is_some_and(|v| v.pending > 0))>
                <p data-testid="sync-pending">
                    {move || i18n.count(Msg::SyncPending, session.sync.with(|s| s.as_ref().map_or(0, |v| v.pending)))}
                </p>
            </Show>
            {move || {
                session.sync.with(|s| s.as_ref().and_then(|v| v.last_synced_ms)).map(|ms| {
                    view! {
                        <p class="muted" data-testid="sync-last">
                            {move || i18n.t_with(Msg::SyncLast, &[("when", &format_date_time(i18n.locale(), ms as f64))])}
                        </p>
                    }
                })
            }}
            {move || {
                session.sync.with(|s| s.as_ref().and_then(|v| v.problem.clone())).map(|p| {
                    view! { <p class="error" role="alert">{move || i18n.t_with(Msg::SyncProblem, &[("reason", &p)])}</p> }
                })
            }}
            <button type="button" class="button primary" data-testid="invite" on:click=invite>
                {move || i18n.t(Msg::SyncInvite)}
            </button>
            <Show when=move || link.get().is_some()>
                <label>
                    <span>{move || i18n.t(Msg::SyncLinkLabel)}</span>
                    <input type="text" readonly=true data-testid="invite-link" prop:value=move || link.get().unwrap_or_default() />
                </label>
                <button type="button" class="button" on:click=copy>
                    {move || i18n.t(if copied.get() { Msg::SyncCopied } else { Msg::SyncCopy })}
                </button>
            </Show>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </section>
    }
}
