//! Names as a person reads them: a robot file may name a link with megabytes, which would fill
//! any panel, report or error line (and take seconds to lay out).

use std::borrow::Cow;

/// Names up to this many characters are shown as written.
pub const SHOWN_NAME_CHARS: usize = 48;

/// A name as a person is shown it: as written up to [`SHOWN_NAME_CHARS`] characters, else
/// its start and its length (a 4 MB name would fill any panel and take seconds to draw).
pub fn shown(name: &str) -> Cow<'_, str> {
    if name.chars().count() <= SHOWN_NAME_CHARS {
        Cow::Borrowed(name)
    } else {
        let head: String = name.chars().take(24).collect();
        Cow::Owned(format!("{head}…({} bytes)", name.len()))
    }
}

/// A message with every over-long word (a name quoted in it) cut as [`shown`] cuts a name,
/// so a warning stays one readable line.
pub fn elide_long_words(line: &str) -> String {
    let mut out = String::with_capacity(line.len().min(512));
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&shown(word));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_is_shown_short() {
        assert_eq!(shown("panda_link7"), "panda_link7");
        let long = "n".repeat(5000);
        assert_eq!(shown(&long), format!("{}…(5000 bytes)", "n".repeat(24)));
        let w = elide_long_words(&format!("joint '{long}' has no <limit>"));
        assert_eq!(
            w,
            format!("joint '{}…(5002 bytes) has no <limit>", "n".repeat(23))
        );
    }
}
