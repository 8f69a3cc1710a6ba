//! A scripted HTTP/1.1 server on 127.0.0.1: it answers each request with the next reply of its script,
//! and tells the test each request it reads (its head and body).
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answers with this status, content type and body.
    Answer(u16, &'static str, String),
    /// Reads the request and does not answer, holding the connection open this long, then closes it.
    Hang(Duration),
    /// Reads the request and closes the connection without answering.
    Close,
    /// Answers with this status and a JSON body's head, then closes the connection before the body ends.
    CutOff(u16),
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::Answer(status, "application/json", body.into())
    }
}

pub struct Scripted {
    pub addr: SocketAddr,
    requests: Receiver<(String, Vec<u8>)>,
}

impl Scripted {
    /// Serves `script` on a free port until the test process ends; once the script is done, every request
    /// is answered 599.
    pub fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (tell, requests) = channel();
        std::thread::spawn(move || {
            for client in listener.incoming().take(100).flatten() {
                let (script, tell) = (script.clone(), tell.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, &script, &tell);
                });
            }
        });
        Self { addr, requests }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// The request line of the next request the server reads (`POST /api/v1/… HTTP/1.1`), waiting up to
    /// `wait` for it.
    pub fn next_request(&self, wait: Duration) -> Option<String> {
        self.next_message(wait).map(|(head, _)| head.lines().next().unwrap_or_default().to_owned())
    }

    /// The head (request line and headers, as sent) and body of the next request the server reads,
    /// waiting up to `wait` for it.
    pub fn next_message(&self, wait: Duration) -> Option<(String, Vec<u8>)> {
        self.requests.recv_timeout(wait).ok()
    }

    /// The request lines the server has read and not yet given.
    pub fn requests(&self) -> Vec<String> {
        self.requests.try_iter().map(|(head, _)| head.lines().next().unwrap_or_default().to_owned()).collect()
    }
}

fn serve(client: TcpStream, script: &Mutex<VecDeque<Reply>>, tell: &Sender<(String, Vec<u8>)>) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut writer = client;
    for _ in 0..1000 {
        let Some((head, body)) = super::proxy::read_message(&mut reader)? else {
            return Ok(());
        };
        let reply = script.lock().unwrap().pop_front();
        let _ = tell.send((head, body));
        let (status, kind, body) = match reply {
            Some(Reply::Answer(status, kind, body)) => (status, kind, body),
            Some(Reply::Hang(time)) => {
                std::thread::sleep(time);
                return Ok(());
            }
            Some(Reply::Close) => return Ok(()),
            Some(Reply::CutOff(status)) => {
                let head = format!(
                    "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n"
                );
                writer.write_all(format!("{head}{{\"success\": true, \"da").as_bytes())?;
                writer.flush()?;
                return Ok(());
            }
            None => (599, "text/plain", "the script is over".to_owned()),
        };
        let answer = format!(
            "HTTP/1.1 {status} Scripted\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        writer.write_all(answer.as_bytes())?;
        writer.flush()?;
    }
    Ok(())
}
