//! Where in a JSON text a decoding error happened, as a path (`data.items[3].voice`), found from the
//! error's line and column by scanning the text once.
//!
//! Decoding reports the position only; asking a path-tracking deserializer instead would compile every
//! response type's `Deserialize` a second time. This scan is one plain function for all of them.

/// The path of the value the decoding error `e` of `text` is about. Empty at the top level.
pub(crate) fn of(text: &[u8], e: &serde_json::Error) -> String {
    of_guessed(text, e).0
}

/// [`of`], and whether the path is a guess: an error reported after a container's end, not about the
/// container itself, is taken to be about its last member. That holds for a value's own check, but not
/// for a struct that reads some of its members through another (`#[serde(flatten)]`), which fails only
/// once it has them all.
pub(crate) fn of_guessed(text: &[u8], e: &serde_json::Error) -> (String, bool) {
    // Reported after a container's end, an error is about that container when it is the container's
    // (a field missing, a list too short), and otherwise about its last member: a value's own check
    // (a date that does not exist) fails once the value is read, and the decoder reads on to the end of
    // the container before it gives its position.
    let message = e.to_string();
    let about_container = ["missing field", "invalid length", "duplicate field"].iter().any(|m| message.starts_with(m));
    at(text, e.line(), e.column(), !about_container)
}

/// The path of the value being read at `line`/`column` (1-based, as `serde_json::Error` gives them);
/// `member` names the last member of a container that has just closed there (and says so). Empty at the
/// top level.
fn at(text: &[u8], line: usize, column: usize, member: bool) -> (String, bool) {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    // The column names the byte the error was found at.
    path_at(text, (start + column).min(text.len()), member)
}

enum Frame {
    /// An object, with the key of the member being read.
    Object(Option<String>),
    /// An array, with the index of the element being read, once one has begun.
    Array(usize, bool),
}

/// The path of the value being read; `element_done` leaves out the index of an array element that has
/// just ended.
fn render(stack: &[Frame], element_done: bool) -> String {
    let mut path = String::new();
    let last = stack.len().saturating_sub(1);
    for (depth, frame) in stack.iter().enumerate() {
        if element_done && depth == last && matches!(frame, Frame::Array(..)) {
            break;
        }
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array(index, true) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            Frame::Object(None) | Frame::Array(_, false) => break,
        }
    }
    path
}

fn path_at(text: &[u8], end: usize, member: bool) -> (String, bool) {
    let mut stack: Vec<Frame> = Vec::new();
    // Whether the last thing read closed a container: an error reported there (a missing field) is about
    // that container, whose path is the stack's once it is popped.
    let mut closed = false;
    let mut popped = None;
    let mut i = 0;
    while i < end {
        let b = text[i];
        if !b.is_ascii_whitespace() {
            closed = false;
        }
        match b {
            b'{' | b'[' => {
                if let Some(Frame::Array(_, started)) = stack.last_mut() {
                    *started = true;
                }
                stack.push(if b == b'{' { Frame::Object(None) } else { Frame::Array(0, false) });
            }
            b'}' | b']' => {
                popped = stack.pop();
                closed = true;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(index, started)) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i = start;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                match stack.last_mut() {
                    Some(Frame::Object(key @ None)) => *key = Some(key_text(&text[start..i.min(text.len())])),
                    Some(Frame::Array(_, started)) => *started = true,
                    _ => {}
                }
            }
            b':' => {}
            _ => {
                if let Some(Frame::Array(_, started)) = stack.last_mut() {
                    *started = true;
                }
            }
        }
        i += 1;
    }
    // A container closed at the very end with others still open is a text cut short, not a member
    // missing from that container.
    let cut_short = end == text.len() && !stack.is_empty();
    let mut guessed = false;
    if closed && member && !cut_short {
        if let Some(frame @ (Frame::Object(Some(_)) | Frame::Array(_, true))) = popped {
            stack.push(frame);
            guessed = true;
        }
    }
    (render(&stack, closed && cut_short), guessed)
}

fn key_text(raw: &[u8]) -> String {
    if !raw.contains(&b'\\') {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Voice {
        id: String,
        stability: Option<f64>,
        speed: Option<Even>,
    }

    /// A value with a check of its own, made once it is read.
    struct Even;

    impl<'de> Deserialize<'de> for Even {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match u32::deserialize(deserializer)? {
                n if n % 2 == 0 => Ok(Even),
                _ => Err(serde::de::Error::custom("not even")),
            }
        }
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Agent {
        id: String,
        tags: Option<Vec<u32>>,
        voice: Option<Voice>,
        #[serde(rename = "we\"ird")]
        weird: Option<bool>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Body {
        success: bool,
        data: Vec<Agent>,
    }

    /// The scan names the same place as a path-tracking deserializer, on every kind of mistake.
    #[test]
    fn paths_match_a_tracking_decoder() {
        let bodies = [
            r#"{"success": true, "data": [{"id": "a"}, {"id": 5}]}"#,
            r#"{"success": true, "data": [{"id": "a", "voice": {"id": "v", "stability": "high"}}]}"#,
            r#"{"success": true, "data": [{"id": "a", "voice": {"stability": 0.5}}]}"#,
            r#"{"success": true, "data": [{"id": "a"}, {"id": "b", "tags": [1, 2, "x"]}]}"#,
            r#"{"success": true, "data": [{"id": "a"}, {"id": "b", "tags": [1, {"n": 2}]}]}"#,
            r#"{"success": true, "data": [{"id": "a", "we\"ird": "yes"}]}"#,
            r#"{"success": true, "data": {"id": "a"}}"#,
            r#"{"success": "yes", "data": []}"#,
            r#"{"data": []}"#,
            "{\n  \"success\": true,\n  \"data\": [\n    {\"id\": \"a\", \"voice\": {\"id\": 7}}\n  ]\n}",
            r#"{"success": true, "data": [{"id": "a", "voice": [1]}]}"#,
            r#"{"success": true, "data": [{"id": "a", "tags": {"x": 1}}]}"#,
            r#"[1, 2]"#,
            r#"{"success": true, "data": [{"id": "a", "voice": {"id": "v", "speed": 3}}]}"#,
            r#"{"success": true, "data": [{"id": "a", "voice": {"speed": 3, "id": "v"}}]}"#,
            r#"{"success": true, "data": [{"id": "a", "voice": {"id": "v", "speed": 3} }, {"id": "b"}]}"#,
            r#"{"success": true, "data": [{"id": "a", "tags": [1, 2]}, {"id": "b", "voice": {"speed": 2}}]}"#,
            r#"{"success": true, "data": [{"id": "a"}"#,
        ];
        for body in bodies {
            let plain = serde_json::from_str::<Body>(body).err().expect(body);
            let mut de = serde_json::Deserializer::from_str(body);
            let tracked = serde_path_to_error::deserialize::<_, Body>(&mut de).err().expect(body);
            let expected = tracked.path().to_string();
            let expected = if expected == "." { String::new() } else { expected };
            assert_eq!(super::of(body.as_bytes(), &plain), expected, "{body}: {plain}");
        }
    }

    /// What a caller sees: the decode error of an operation names the field that did not fit.
    #[test]
    fn decode_errors_name_the_field() {
        let body = br#"{"success": true, "data": {"id": "a", "name": "x", "voice": {"id": "v", "name": "n", "stability": "high"}}}"#;
        let response = http::Response::builder().status(200).body(body.to_vec()).unwrap();
        match crate::decode_response::<crate::agents::GetAgent>(response) {
            Err(crate::Error::Decode(e)) => assert_eq!(e.path, "data.voice.stability", "{e}"),
            other => panic!("{other:?}"),
        }
    }
}
