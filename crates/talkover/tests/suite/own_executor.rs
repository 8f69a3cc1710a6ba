//! The resource handlers on an executor of one's own: a test double that answers canned JSON by
//! operation id, as a user writes one to test their code without a server.

use std::collections::HashMap;
use std::sync::Mutex;

use talkover::execute::Execute;
use talkover::operation::{decode_with_response, Operation, Output, WithResponse};
use talkover::page::PagedOperation;
use talkover::resources::{Agents, SipTrunks};
use talkover::Error;

/// Answers each operation with the body given for its id (a 404 for any other), and notes what was asked.
struct Canned {
    answers: HashMap<&'static str, (u16, &'static str)>,
    asked: Mutex<Vec<&'static str>>,
}

impl Canned {
    fn answer<O: Operation>(&self) -> Result<Output<O>, Error> {
        self.answer_with_response::<O>().map(|answer| answer.value)
    }

    fn answer_with_response<O: Operation>(&self) -> Result<WithResponse<Output<O>>, Error> {
        self.asked.lock().unwrap().push(O::ID);
        let (status, body) = self.answers.get(O::ID).copied().unwrap_or((404, r#"{"success":false,"message":"none"}"#));
        let response = http::Response::builder().status(status).header("x-request-id", "canned-1");
        decode_with_response::<O>(response.body(body.as_bytes().to_vec()).unwrap())
    }
}

impl Execute for Canned {
    type Call<T: Send + 'static> = Result<T, Error>;
    type Items<O: PagedOperation + Send + 'static>
        = std::vec::IntoIter<Result<O::Item, Error>>
    where
        O::Item: Send + 'static;

    fn call<O>(&self, _operation: O) -> Result<Output<O>, Error>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
    {
        self.answer::<O>()
    }

    fn call_with_response<O>(&self, _operation: O) -> Result<WithResponse<Output<O>>, Error>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
    {
        self.answer_with_response::<O>()
    }

    fn call_then<O, T>(&self, _operation: O, then: fn(Result<Output<O>, Error>) -> Result<T, Error>) -> Result<T, Error>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
        T: Send + 'static,
    {
        then(self.answer::<O>())
    }

    fn items<O>(&self, _operation: O) -> Self::Items<O>
    where
        O: PagedOperation + Send + 'static,
        O::Item: Send + 'static,
    {
        vec![Err(Error::config("items", "the double pages nothing"))].into_iter()
    }
}

/// The code under test: written once against any executor, as the handlers are.
fn agent_name<C: Execute<Call<talkover::agents::Agent> = Result<talkover::agents::Agent, Error>>>(
    client: &C,
    id: &str,
) -> Result<String, Error> {
    Ok(Agents::new(client).get(id)?.name)
}

#[test]
fn the_handlers_run_on_a_test_double() {
    let double = Canned {
        answers: HashMap::from([(
            "get-agent",
            (200, r#"{"success":true,"data":{"id":"a1","name":"SupportBot","label":"Support"}}"#),
        )]),
        asked: Mutex::new(Vec::new()),
    };
    assert_eq!(agent_name(&double, "a1").unwrap(), "SupportBot");
    let missing = SipTrunks::new(&double).get("t1").unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404), "{missing}");
    // Code written against `Execute` keeps the answer's status and headers too.
    let answered = double.call_with_response(talkover::agents::GetAgent::new("a1")).unwrap();
    assert_eq!((answered.status.as_u16(), answered.request_id().as_deref()), (200, Some("canned-1")));
    assert_eq!(answered.value.name, "SupportBot");
    assert_eq!(*double.asked.lock().unwrap(), ["get-agent", "get-sip-trunk", "get-agent"]);
}
