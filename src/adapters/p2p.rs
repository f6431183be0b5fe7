//! Direct links between colleagues' browsers: a WebRTC data channel per peer, carrying the
//! Automerge sync protocol (`crm_core::PeerSync`). Peers learn of each other from the relay
//! (`Peers`) and exchange offer and answer as sealed signals through it; once open, a link
//! keeps working when the relay goes away, and changes reach the peer directly. Everything
//! also goes through the relay while it is there, so a link that fails costs nothing.
//!
//! No STUN or TURN server is configured (no third party learns who talks to whom), so direct
//! links form between browsers that can reach each other's host addresses: the same machine
//! or the same network. The smaller client id offers; candidates are gathered before the
//! offer or answer is sent (no trickle), so one signal each way opens a link.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use crm_core::PeerSync;
use crm_sync::ClientId;
use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MessageEvent, RtcDataChannel, RtcDataChannelInit, RtcDataChannelState, RtcDataChannelType,
    RtcIceGatheringState, RtcPeerConnection, RtcSdpType, RtcSessionDescriptionInit,
};

/// The next sync-protocol message for a link, if any (reads the workspace).
pub type Outgoing = Box<dyn Fn(&mut PeerSync) -> Option<Vec<u8>>>;
/// A peer's sync-protocol message: merged into the workspace, persisted, shown.
pub type Incoming = Box<dyn Fn(&mut PeerSync, &[u8])>;

/// Callbacks into the session.
pub struct DirectHooks {
    pub outgoing: Outgoing,
    pub incoming: Incoming,
    /// How many direct links are open, for Settings.
    pub open: RwSignal<usize>,
}

type Handler = Closure<dyn FnMut(JsValue)>;

struct PeerLink {
    pc: RtcPeerConnection,
    channel: RtcDataChannel,
    state: RefCell<PeerSync>,
    handlers: RefCell<Vec<Handler>>,
}

impl Drop for PeerLink {
    fn drop(&mut self) {
        self.channel.set_onopen(None);
        self.channel.set_onmessage(None);
        self.channel.set_onclose(None);
        self.pc.set_onconnectionstatechange(None);
        self.channel.close();
        self.pc.close();
    }
}

/// Every direct link of this tab's workspace.
pub struct Direct {
    me: ClientId,
    hooks: DirectHooks,
    links: RefCell<BTreeMap<ClientId, Rc<PeerLink>>>,
    /// Sends a signal to a peer through the relay (sealed by the sync session).
    signal: Box<dyn Fn(ClientId, Vec<u8>)>,
    /// The link of a hand-made offer waiting for its answer.
    manual: RefCell<Option<ClientId>>,
    this: Weak<Direct>,
}

/// A key for a link made by hand: no relay names the peer, so any unused id does.
fn random_key() -> ClientId {
    super::random::unique_bytes()
}

const OFFER: u8 = b'o';
const ANSWER: u8 = b'a';

impl Direct {
    pub fn new(
        me: ClientId,
        hooks: DirectHooks,
        signal: Box<dyn Fn(ClientId, Vec<u8>)>,
    ) -> Rc<Direct> {
        Rc::new_cyclic(|this| Direct {
            me,
            hooks,
            links: RefCell::new(BTreeMap::new()),
            signal,
            manual: RefCell::new(None),
            this: this.clone(),
        })
    }

    /// The relay's list of connected peers: offers a link to each new one whose id is greater
    /// than ours (they offer to us otherwise). Links are never closed for leaving the list:
    /// the relay may be the one that went away.
    pub fn peers(&self, clients: &[ClientId]) {
        for peer in clients {
            if *peer > self.me
                && !self.links.borrow().contains_key(peer)
                && let Some(link) = self.link(*peer)
            {
                let this = self.this.clone();
                let peer = *peer;
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(sdp) = offer(&link.pc).await
                        && let Some(d) = this.upgrade()
                    {
                        let mut data = vec![OFFER];
                        data.extend_from_slice(sdp.as_bytes());
                        (d.signal)(peer, data);
                    }
                });
            }
        }
    }

    /// A signal from a peer: an offer (answered) or the answer to ours.
    pub fn signal(&self, from: ClientId, data: &[u8]) {
        let Some((&kind, sdp)) = data.split_first() else {
            return;
        };
        let Ok(sdp) = std::str::from_utf8(sdp).map(str::to_owned) else {
            return;
        };
        match kind {
            OFFER => {
                // A new offer replaces whatever link there was (the peer reloaded).
                self.close(from);
                let Some(link) = self.link(from) else { return };
                let this = self.this.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(answer) = answer(&link.pc, &sdp).await
                        && let Some(d) = this.upgrade()
                    {
                        let mut data = vec![ANSWER];
                        data.extend_from_slice(answer.as_bytes());
                        (d.signal)(from, data);
                    }
                });
            }
            ANSWER => {
                let Some(link) = self.links.borrow().get(&from).cloned() else {
                    return;
                };
                wasm_bindgen_futures::spawn_local(async move {
                    let init = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
                    init.set_sdp(&sdp);
                    let _ = JsFuture::from(link.pc.set_remote_description(&init)).await;
                });
            }
            _ => {}
        }
    }

    /// A direct link made by hand, with no relay: the offer's description, to pass to the
    /// colleague (sealed by the caller). The link waits for [`Direct::finish_manual`].
    pub async fn manual_offer(&self) -> Option<String> {
        let key: ClientId = random_key();
        let link = self.link(key)?;
        *self.manual.borrow_mut() = Some(key);
        offer(&link.pc).await
    }

    /// Answers a colleague's hand-passed offer: the answer's description, to pass back.
    pub async fn manual_answer(&self, offer_sdp: &str) -> Option<String> {
        let link = self.link(random_key())?;
        answer(&link.pc, offer_sdp).await
    }

    /// Completes the link of [`Direct::manual_offer`] with the colleague's answer.
    pub async fn finish_manual(&self, answer_sdp: &str) -> bool {
        let key = self.manual.borrow_mut().take();
        let Some(link) = key.and_then(|k| self.links.borrow().get(&k).cloned()) else {
            return false;
        };
        let init = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
        init.set_sdp(answer_sdp);
        JsFuture::from(link.pc.set_remote_description(&init))
            .await
            .is_ok()
    }

    /// The workspace changed (here, or through the relay): tell every open link.
    pub fn changed(&self) {
        let links: Vec<Rc<PeerLink>> = self.links.borrow().values().cloned().collect();
        for link in links {
            self.send(&link);
        }
    }

    fn send(&self, link: &PeerLink) {
        if link.channel.ready_state() != RtcDataChannelState::Open {
            return;
        }
        let message = {
            let mut state = link.state.borrow_mut();
            (self.hooks.outgoing)(&mut state)
        };
        if let Some(m) = message {
            let _ = link.channel.send_with_u8_array(&m);
        }
    }

    /// Closes every direct link (the secret changed: a removed member must not keep one).
    pub fn close_all(&self) {
        let links = std::mem::take(&mut *self.links.borrow_mut());
        drop(links);
        self.manual.borrow_mut().take();
        self.publish();
    }

    fn close(&self, peer: ClientId) {
        if self.links.borrow_mut().remove(&peer).is_some() {
            self.publish();
        }
    }

    fn publish(&self) {
        let open = self
            .links
            .borrow()
            .values()
            .filter(|l| l.channel.ready_state() == RtcDataChannelState::Open)
            .count();
        if self.hooks.open.get_untracked() != open {
            self.hooks.open.set(open);
        }
    }

    /// A new connection to `peer` with its data channel (negotiated, so both ends create it).
    fn link(&self, peer: ClientId) -> Option<Rc<PeerLink>> {
        let pc = RtcPeerConnection::new().ok()?;
        let init = RtcDataChannelInit::new();
        init.set_negotiated(true);
        init.set_id(0);
        let channel = pc.create_data_channel_with_data_channel_dict("hearth-sync", &init);
        channel.set_binary_type(RtcDataChannelType::Arraybuffer);
        let link = Rc::new(PeerLink {
            pc,
            channel,
            state: RefCell::new(PeerSync::new()),
            handlers: RefCell::new(Vec::new()),
        });
        let weak_link = Rc::downgrade(&link);
        let this = self.this.clone();
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let (Some(d), Some(link)) = (this.upgrade(), weak_link.upgrade()) {
                // Each connection starts the protocol afresh.
                *link.state.borrow_mut() = PeerSync::new();
                d.publish();
                d.send(&link);
            }
        });
        let weak_link = Rc::downgrade(&link);
        let this = self.this.clone();
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let (Some(d), Some(link)) = (this.upgrade(), weak_link.upgrade()) else {
                return;
            };
            let Some(buf) = e
                .dyn_into::<MessageEvent>()
                .ok()
                .and_then(|e| e.data().dyn_into::<ArrayBuffer>().ok())
            else {
                return;
            };
            let bytes = Uint8Array::new(&buf).to_vec();
            {
                let mut state = link.state.borrow_mut();
                (d.hooks.incoming)(&mut state, &bytes);
            }
            // The reply to this peer, and the news to the others.
            d.changed();
        });
        let this = self.this.clone();
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(d) = this.upgrade() {
                d.close(peer);
            }
        });
        let this = self.this.clone();
        let weak_pc = Rc::downgrade(&link);
        let on_state = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let (Some(d), Some(link)) = (this.upgrade(), weak_pc.upgrade()) else {
                return;
            };
            if matches!(
                link.pc.connection_state(),
                web_sys::RtcPeerConnectionState::Failed | web_sys::RtcPeerConnectionState::Closed
            ) {
                d.close(peer);
            }
        });
        link.channel
            .set_onopen(Some(on_open.as_ref().unchecked_ref()));
        link.channel
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        link.channel
            .set_onclose(Some(on_close.as_ref().unchecked_ref()));
        link.pc
            .set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        link.handlers
            .borrow_mut()
            .extend([on_open, on_message, on_close, on_state]);
        self.links.borrow_mut().insert(peer, Rc::clone(&link));
        Some(link)
    }
}

/// Resolves once the connection has gathered its candidates, or after 3 s (what was gathered
/// by then is in the description).
async fn gathered(pc: &RtcPeerConnection) {
    if pc.ice_gathering_state() == RtcIceGatheringState::Complete {
        return;
    }
    let mut resolver = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| resolver = Some(resolve));
    let Some(resolve) = resolver else { return };
    let on_change = {
        let (pc, resolve) = (pc.clone(), resolve.clone());
        Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if pc.ice_gathering_state() == RtcIceGatheringState::Complete {
                let _ = resolve.call0(&JsValue::NULL);
            }
        })
    };
    pc.set_onicegatheringstatechange(Some(on_change.as_ref().unchecked_ref()));
    let timeout = Closure::once_into_js(move || {
        let _ = resolve.call0(&JsValue::NULL);
    });
    let _ = window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(timeout.unchecked_ref(), 3_000);
    let _ = JsFuture::from(promise).await;
    pc.set_onicegatheringstatechange(None);
    drop(on_change);
}

fn local_sdp(pc: &RtcPeerConnection) -> Option<String> {
    pc.local_description().map(|d| d.sdp())
}

async fn offer(pc: &RtcPeerConnection) -> Option<String> {
    let offer = JsFuture::from(pc.create_offer()).await.ok()?;
    let sdp = js_sys::Reflect::get(&offer, &"sdp".into())
        .ok()?
        .as_string()?;
    let init = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    init.set_sdp(&sdp);
    JsFuture::from(pc.set_local_description(&init)).await.ok()?;
    gathered(pc).await;
    local_sdp(pc)
}

async fn answer(pc: &RtcPeerConnection, offer_sdp: &str) -> Option<String> {
    let init = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    init.set_sdp(offer_sdp);
    JsFuture::from(pc.set_remote_description(&init))
        .await
        .ok()?;
    let answer = JsFuture::from(pc.create_answer()).await.ok()?;
    let sdp = js_sys::Reflect::get(&answer, &"sdp".into())
        .ok()?
        .as_string()?;
    let init = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
    init.set_sdp(&sdp);
    JsFuture::from(pc.set_local_description(&init)).await.ok()?;
    gathered(pc).await;
    local_sdp(pc)
}
