//! The user's API tokens: create, list, revoke. A new token's plain text is in the create answer and
//! nowhere else: the emulator keeps the token's description and a SHA-256 digest of its text, as the API
//! keeps only a hash. A token created here authenticates the account API's operations (the tokens, the
//! current user, the credits) until it is revoked; the environment's operations still want the
//! environment token, as the reference says.
//!
//! These operations answer in the account API's own shapes: `{"data": …}` with no `success` flag, and a
//! bare `{"message": …}` for a revocation.

use talkover_core::account::{ApiToken, CreateUserApiToken, CreatedApiToken, ListUserApiTokens, NewApiToken};
use talkover_core::{Ack, Envelope, ListEnvelope};

use sha2::{Digest, Sha256};

use super::{documented, has_id, now, remove_by_id, unix_now, Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::Reply;

has_id!(ApiToken);

/// The tokens of the user, without their plain text.
#[derive(Default)]
pub(crate) struct ApiTokens {
    tokens: Vec<ApiToken>,
    /// The digest of each token created here, by the token's id (the recorded examples' tokens have no
    /// text, so they authenticate nothing).
    digests: Vec<(String, [u8; 32])>,
    /// Numbers the tokens' plain text (`<n>|…`), as the API does.
    issued: u64,
    /// Spreads the plain text's characters.
    rng: u64,
}

impl ApiTokens {
    /// The tokens of the recorded examples.
    pub(crate) fn seed(catalog: &Catalog) -> Self {
        let tokens = catalog.documented_items::<ListUserApiTokens, _>();
        let issued = tokens.len() as u64;
        Self { tokens, digests: Vec::new(), issued, rng: (unix_now() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1 }
    }

    /// The id of the live token whose text this is, if any.
    fn find(&self, text: &str) -> Option<&str> {
        let digest = digest(text);
        self.digests.iter().find(|(_, d)| *d == digest).map(|(id, _)| id.as_str())
    }

    /// A new token's plain text: its number, a bar, and 40 letters and digits.
    fn plain_text(&mut self) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        self.issued += 1;
        let mut text = format!("{}|", self.issued);
        for _ in 0..40 {
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            let draw = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32;
            text.push(char::from(ALPHABET[(draw % ALPHABET.len() as u64) as usize]));
        }
        text
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// The name and abilities a create request asks for (all abilities when none are named).
fn token_parts(body: NewApiToken) -> (String, Vec<String>) {
    (body.name, body.abilities.unwrap_or_else(|| vec!["*".to_owned()]))
}

impl State {
    pub(super) fn list_api_tokens(&mut self, _req: &Request<'_>) -> Answer {
        // `{"data": […]}`, as the page shows it: no success flag.
        let mut list = ListEnvelope::new(self.tokens.tokens.clone());
        list.success = None;
        Ok(Reply::typed(200, &list))
    }

    pub(super) fn create_api_token(&mut self, req: &Request<'_>) -> Answer {
        let create = req.valid::<CreateUserApiToken>()?;
        let (name, abilities) = token_parts(create.body);
        let id = self.new_id();
        let now = now();
        let plain = self.tokens.plain_text();
        let plain_digest = digest(&plain);
        let mut stored = ApiToken::new(id.clone(), name.clone(), abilities.clone());
        stored.created_at = Some(now.clone());
        let mut created = CreatedApiToken::new(id, name, abilities, plain);
        created.created_at = Some(now);
        self.tokens.digests.push((stored.id.as_str().to_owned(), plain_digest));
        self.tokens.tokens.push(stored);
        let mut envelope = Envelope::new(created);
        envelope.success = None;
        Ok(Reply::typed(200, &envelope))
    }

    pub(super) fn delete_api_token(&mut self, req: &Request<'_>) -> Answer {
        let id = req.param("token_id");
        remove_by_id(&mut self.tokens.tokens, id, || documented(req, 404, None, "API token not found"))?;
        self.tokens.digests.retain(|(token, _)| token != id);
        let mut ack = Ack::default();
        ack.message = Some("Token revoked".to_owned());
        Ok(Reply::typed(200, &ack))
    }

    /// Whether `text` is a live token created through the API; a use is its `last_used_at`.
    pub(crate) fn use_api_token(&mut self, text: &str) -> bool {
        let Some(id) = self.tokens.find(text).map(str::to_owned) else {
            return false;
        };
        let now = crate::clock::stamp(self.live.clock.timestamp());
        if let Some(token) = self.tokens.tokens.iter_mut().find(|t| t.id.as_str() == id) {
            token.last_used_at = Some(now);
        }
        true
    }
}
