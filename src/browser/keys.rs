//! Text as the key events a US keyboard sends, for CDP `Input.dispatchKeyEvent`: each
//! character is a key press (`keyDown` carrying its text, so the page sees `keydown`,
//! `keypress`, `beforeinput`/`input`, then `keyUp`), with the key's `code`, its Windows key
//! code and Shift where a US keyboard needs it (as chromedriver types: the modifier flag, no
//! separate Shift press). `\t` is the Tab key (moves focus, no text) and `\n` the Enter key
//! (text `\r`, which submits a form implicitly: the caller types it only into a search box).
//!
//! The visitor types these through the browser's DevTools session with all of a value's
//! events sent at once (see `Session::type_text`): the page gets the same events in the same
//! order as from chromedriver's per-key `sendKeys`, in a fraction of the round trips and
//! rendered frames.

use serde_json::{Value, json};

/// CDP's modifier bit for Shift.
const SHIFT: u8 = 8;

/// A US keyboard's keys outside the letters and digits: what each types without and with
/// Shift, its Windows key code and its `code`.
const PUNCTUATION: [(char, char, u32, &str); 11] = [
    (';', ':', 186, "Semicolon"),
    ('=', '+', 187, "Equal"),
    (',', '<', 188, "Comma"),
    ('-', '_', 189, "Minus"),
    ('.', '>', 190, "Period"),
    ('/', '?', 191, "Slash"),
    ('`', '~', 192, "Backquote"),
    ('[', '{', 219, "BracketLeft"),
    ('\\', '|', 220, "Backslash"),
    (']', '}', 221, "BracketRight"),
    ('\'', '"', 222, "Quote"),
];

/// How one character is typed on a US keyboard: `(key code, code, shifted, what the key
/// types without Shift)`; `None` for characters a US keyboard has no key for (typed as text
/// with no code, as a keyboard layout or an input method would deliver them).
fn us_key(c: char) -> Option<(u32, &'static str, bool, char)> {
    const LETTERS: [&str; 26] = [
        "KeyA", "KeyB", "KeyC", "KeyD", "KeyE", "KeyF", "KeyG", "KeyH", "KeyI", "KeyJ", "KeyK",
        "KeyL", "KeyM", "KeyN", "KeyO", "KeyP", "KeyQ", "KeyR", "KeyS", "KeyT", "KeyU", "KeyV",
        "KeyW", "KeyX", "KeyY", "KeyZ",
    ];
    const DIGITS: [&str; 10] = [
        "Digit0", "Digit1", "Digit2", "Digit3", "Digit4", "Digit5", "Digit6", "Digit7", "Digit8",
        "Digit9",
    ];
    // The shifted digit row: ")!@#$%^&*(" are Shift+0..9.
    const SHIFTED_DIGITS: &str = ")!@#$%^&*(";
    let letter = |c: char, shifted| {
        let i = c.to_ascii_lowercase() as u32 - 'a' as u32;
        (65 + i, LETTERS[i as usize], shifted, c.to_ascii_lowercase())
    };
    let digit = |i: usize, shifted| {
        let plain = char::from(b'0' + i as u8);
        (48 + i as u32, DIGITS[i], shifted, plain)
    };
    Some(match c {
        'a'..='z' => letter(c, false),
        'A'..='Z' => letter(c, true),
        '0'..='9' => digit(c as usize - '0' as usize, false),
        ' ' => (32, "Space", false, ' '),
        _ => {
            if let Some(i) = SHIFTED_DIGITS.find(c) {
                return Some(digit(i, true));
            }
            let &(plain, shifted, vk, code) = PUNCTUATION.iter().find(|k| k.0 == c || k.1 == c)?;
            (vk, code, c == shifted, plain)
        }
    })
}

/// The `Input.dispatchKeyEvent` parameters that type `text`, in order: a press and a release
/// per character.
pub fn key_events(text: &str) -> Vec<Value> {
    let mut out = Vec::with_capacity(text.chars().count() * 2);
    for c in text.chars() {
        match c {
            '\t' => {
                let k = json!({ "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "nativeVirtualKeyCode": 9 });
                out.push(with_type(&k, "rawKeyDown"));
                out.push(with_type(&k, "keyUp"));
            }
            '\n' => {
                let k = json!({ "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13 });
                let mut down = with_type(&k, "keyDown");
                down["text"] = json!("\r");
                down["unmodifiedText"] = json!("\r");
                out.push(down);
                out.push(with_type(&k, "keyUp"));
            }
            _ => {
                let text = c.to_string();
                let k = match us_key(c) {
                    Some((vk, code, shifted, plain)) => {
                        json!({
                            "key": text,
                            "code": code,
                            "windowsVirtualKeyCode": vk,
                            "nativeVirtualKeyCode": vk,
                            "modifiers": if shifted { SHIFT } else { 0 },
                            "unmodifiedText": plain.to_string(),
                        })
                    }
                    None => json!({ "key": text }),
                };
                let mut down = with_type(&k, "keyDown");
                down["text"] = json!(text);
                out.push(down);
                let mut up = with_type(&k, "keyUp");
                if let Some(o) = up.as_object_mut() {
                    o.remove("unmodifiedText");
                }
                out.push(up);
            }
        }
    }
    out
}

fn with_type(k: &Value, kind: &str) -> Value {
    let mut v = k.clone();
    v["type"] = json!(kind);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn downs(text: &str) -> Vec<Value> {
        key_events(text)
            .into_iter()
            .filter(|e| e["type"] != "keyUp")
            .collect()
    }

    #[test]
    fn every_character_is_a_press_and_a_release_in_order() {
        let ev = key_events("pc.ab@example.com");
        assert_eq!(ev.len(), 2 * "pc.ab@example.com".len());
        let typed: String = ev
            .iter()
            .filter_map(|e| e.get("text").and_then(Value::as_str))
            .collect();
        assert_eq!(typed, "pc.ab@example.com");
        for pair in ev.chunks(2) {
            assert_eq!(pair[0]["type"], "keyDown");
            assert_eq!(pair[1]["type"], "keyUp");
            assert_eq!(pair[0]["key"], pair[1]["key"]);
            assert_eq!(pair[0]["code"], pair[1]["code"]);
        }
    }

    #[test]
    fn keys_carry_the_us_keyboard_codes_and_shift() {
        // The canaries' characters (letters, digits, '.', '@', '+', ' ') and shifted punctuation.
        let d = downs("qQ7@+. _\"");
        let want = [
            ("q", "KeyQ", 81, 0, "q"),
            ("Q", "KeyQ", 81, 8, "q"),
            ("7", "Digit7", 55, 0, "7"),
            ("@", "Digit2", 50, 8, "2"),
            ("+", "Equal", 187, 8, "="),
            (".", "Period", 190, 0, "."),
            (" ", "Space", 32, 0, " "),
            ("_", "Minus", 189, 8, "-"),
            ("\"", "Quote", 222, 8, "'"),
        ];
        assert_eq!(d.len(), want.len());
        for (e, (key, code, vk, mods, unshifted)) in d.iter().zip(want) {
            assert_eq!(e["key"], key);
            assert_eq!(e["code"], code);
            assert_eq!(e["windowsVirtualKeyCode"], vk);
            assert_eq!(e["modifiers"], mods);
            assert_eq!(e["unmodifiedText"], unshifted);
        }
    }

    #[test]
    fn tab_moves_on_without_text_and_enter_submits_with_a_return() {
        let d = downs("a\t");
        assert_eq!(d[1]["type"], "rawKeyDown");
        assert_eq!(d[1]["key"], "Tab");
        assert!(d[1].get("text").is_none(), "Tab types no text");
        let d = downs("a\n");
        assert_eq!(d[1]["type"], "keyDown");
        assert_eq!(d[1]["key"], "Enter");
        assert_eq!(d[1]["windowsVirtualKeyCode"], 13);
        assert_eq!(d[1]["text"], "\r");
    }

    #[test]
    fn characters_off_the_keyboard_are_typed_as_text() {
        let d = downs("é");
        assert_eq!(d[0]["key"], "é");
        assert_eq!(d[0]["text"], "é");
        assert!(d[0].get("code").is_none());
    }
}
