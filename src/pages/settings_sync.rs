//! Settings → Sharing: invite colleagues and see how sync stands (relay connected, offline or
//! syncing; changes waiting to go out; when this device last caught up).

use crm_sync::Connection;
use leptos::prelude::*;

use crate::components::qr::QrCode;
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
    let rotated = RwSignal::new(false);
    let rotate = move |_| {
        let sure = window()
            .confirm_with_message(&i18n.t(Msg::SyncRemoveConfirm))
            .unwrap_or(false);
        if !sure {
            return;
        }
        session.rotate_secret(move |r| match r {
            Ok(url) => {
                link.set(Some(url));
                copied.set(false);
                rotated.set(true);
                error.set(None);
            }
            Err(e) => error.set(Some(i18n.t_with(Msg::SyncProblem, &[("reason", &e)]))),
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
            <Show when=move || session.sync.with(|s| s.as_ref().is_some_and(|v| !v.elsewhere))>
                <h3>{move || i18n.t(Msg::SyncRemoveTitle)}</h3>
                <p class="muted">{move || i18n.t(Msg::SyncRemoveHint)}</p>
                <button type="button" class="button danger" data-testid="rotate-secret" on:click=rotate>
                    {move || i18n.t(Msg::SyncRemoveButton)}
                </button>
                <Show when=move || rotated.get()>
                    <p role="status" data-testid="rotated">{move || i18n.t(Msg::SyncRotated)}</p>
                </Show>
                <DirectByHand />
            </Show>
        </section>
    }
}

/// Opening a direct link with no relay at all: one side makes a code, the other pastes it
/// and passes an answer code back. Codes are sealed with the workspace key, so only a
/// member can use them. Each code is also shown as a QR code, so a phone's camera can carry
/// it from a screen instead of a chat message.
#[component]
fn DirectByHand() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let offer = RwSignal::new(None::<String>);
    let pasted = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let make = move |_| {
        problem.set(None);
        session.direct_offer(move |r| match r {
            Ok(code) => offer.set(Some(code)),
            Err(e) => problem.set(Some(e)),
        });
    };
    let use_code = move |_| {
        problem.set(None);
        note.set(None);
        session.direct_code(pasted.get_untracked(), move |r| match r {
            Ok(Some(code)) => answer.set(Some(code)),
            Ok(None) => note.set(Some(i18n.t(Msg::DirectAccepted))),
            Err(e) => problem.set(Some(i18n.t_with(Msg::SyncProblem, &[("reason", &e)]))),
        });
    };
    view! {
        <h3>{move || i18n.t(Msg::DirectTitle)}</h3>
        <p class="muted">{move || i18n.t(Msg::DirectHint)}</p>
        <button type="button" class="button" data-testid="direct-make" on:click=make>
            {move || i18n.t(Msg::DirectMake)}
        </button>
        <Show when=move || offer.get().is_some()>
            <label class="code-field">
                <span>{move || i18n.t(Msg::DirectOfferLabel)}</span>
                <textarea readonly=true rows=3 data-testid="direct-offer" prop:value=move || offer.get().unwrap_or_default()></textarea>
            </label>
            <figure class="qr-figure">
                <QrCode
                    text=Signal::derive(move || offer.get().unwrap_or_default())
                    label=Signal::derive(move || i18n.t(Msg::DirectOfferQr))
                    too_long=Signal::derive(move || i18n.t(Msg::DirectQrTooLong))
                    testid="direct-offer-qr"
                />
                <figcaption class="muted">{move || i18n.t(Msg::DirectQrHint)}</figcaption>
            </figure>
        </Show>
        <label class="code-field">
            <span>{move || i18n.t(Msg::DirectPaste)}</span>
            <textarea
                rows=3
                data-testid="direct-paste"
                prop:value=move || pasted.get()
                on:input=move |ev| pasted.set(event_target_value(&ev))
            ></textarea>
        </label>
        <button type="button" class="button" data-testid="direct-use" on:click=use_code>
            {move || i18n.t(Msg::DirectUse)}
        </button>
        <Show when=move || answer.get().is_some()>
            <label class="code-field">
                <span>{move || i18n.t(Msg::DirectAnswerLabel)}</span>
                <textarea readonly=true rows=3 data-testid="direct-answer" prop:value=move || answer.get().unwrap_or_default()></textarea>
            </label>
            <figure class="qr-figure">
                <QrCode
                    text=Signal::derive(move || answer.get().unwrap_or_default())
                    label=Signal::derive(move || i18n.t(Msg::DirectAnswerQr))
                    too_long=Signal::derive(move || i18n.t(Msg::DirectQrTooLong))
                    testid="direct-answer-qr"
                />
                <figcaption class="muted">{move || i18n.t(Msg::DirectQrHint)}</figcaption>
            </figure>
        </Show>
        <p role="status" data-testid="direct-note">{move || note.get()}</p>
        <Show when=move || problem.get().is_some()>
            <p class="error" role="alert" data-testid="direct-problem">{move || problem.get()}</p>
        </Show>
    }
}
