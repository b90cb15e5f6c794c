//! Reading URDF text in pieces, so that a large file never holds the caller for long.
//!
//! The URDF parser reads a whole document at once, at about 0.14 µs a byte here (a 3 MB file
//! takes 0.45 s natively and several times that in the browser, which has one thread and
//! cannot draw meanwhile). A robot's elements are independent until the model is built, so a
//! large file is read as batches of the root's children, each wrapped in the root's own start
//! tag and parsed alone; the batches' links, joints and materials, concatenated in order, are
//! what the whole document gives. [`UrdfReader::step`] does one batch; the caller decides how
//! many fit in its frame. A small file, where the split would only cost, is one step.

use super::compact::{self, LongValues};
use super::guard::{self, Layout, Refusal, line_at};
use super::lenient::{self, Repairs};
use super::model::{Model, ModelError, one_line, refused};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Files up to this size are parsed whole, in one step (every published arm's URDF is).
pub const WHOLE_BYTES: usize = 256 << 10;
/// The text parsed in one step of a larger file, at least (a batch ends at a child's end).
pub const BATCH_BYTES: usize = 32 << 10;
/// A child of the root larger than this is compacted before it is parsed (see
/// [`compact`]): its unknown attributes and comments dropped, its long values swapped out.
pub const COMPACT_BYTES: usize = 16 << 10;

/// A URDF being read, one [`step`](UrdfReader::step) at a time.
pub struct UrdfReader {
    text: String,
    source_name: String,
    /// The batches still to parse, as ranges of the root's children (empty: the text whole).
    batches: std::vec::IntoIter<Range<usize>>,
    layout: Layout,
    /// The root's start tag as each batch repeats it (compacted if it is long).
    root: String,
    /// Long attribute values swapped out of what the parser saw; `None`: the file holds the
    /// token mark itself, so nothing is swapped.
    long: Option<LongValues>,
    /// The longest text given to the parser in one step, in bytes.
    pub largest_parse: usize,
    /// What has been parsed so far.
    robot: urdf_rs::Robot,
    repairs: Repairs,
    /// Bytes parsed so far, of `total`.
    parsed: usize,
    total: usize,
    whole: bool,
    done: bool,
    /// The folder the file is in, where its meshes are looked for.
    source_dir: Option<PathBuf>,
}

impl UrdfReader {
    /// Checks `text` (sizes, depth, what it is) and plans its batches: one linear scan, no
    /// parsing. `source_name` names the text in errors.
    pub fn new(text: String, source_name: &str) -> Result<UrdfReader, ModelError> {
        Self::with_batch(text, source_name, WHOLE_BYTES, BATCH_BYTES)
    }

    /// [`new`](Self::new) with other thresholds (tests split small files).
    pub fn with_batch(
        text: String,
        source_name: &str,
        whole_bytes: usize,
        batch_bytes: usize,
    ) -> Result<UrdfReader, ModelError> {
        let (_, layout) = guard::scan(&text).map_err(|r| refused(source_name, r))?;
        let whole = text.len() <= whole_bytes || layout.children.is_empty();
        if !whole {
            if let Some(at) = layout.trailing {
                return Err(parse_error(
                    source_name,
                    format!(
                        "there is more after the closing </robot> (line {}); a file holds one robot",
                        line_at(&text, at)
                    ),
                ));
            }
            if layout.root_end.is_none() {
                return Err(parse_error(
                    source_name,
                    "the <robot> element is never closed".to_string(),
                ));
            }
        }
        let mut long = (!text.contains(compact::MARK)).then(LongValues::default);
        let root_text = &text[layout.root_tag.clone()];
        let root = match &mut long {
            Some(long) if !whole && root_text.len() > COMPACT_BYTES => {
                compact::compact(root_text, long).unwrap_or_else(|| root_text.to_string())
            }
            _ => root_text.to_string(),
        };
        // Each batch repeats the root's start tag: with a long one, batches grow with it, so
        // that the repeats cost no more than a quarter of the text.
        let per_batch = batch_bytes.max(4 * root.len()).max(1);
        let mut batches = Vec::new();
        if !whole {
            let mut first = 0;
            let mut bytes = 0;
            for (i, child) in layout.children.iter().enumerate() {
                bytes += child.len();
                if bytes >= per_batch {
                    batches.push(first..i + 1);
                    first = i + 1;
                    bytes = 0;
                }
            }
            if first < layout.children.len() {
                batches.push(first..layout.children.len());
            }
        }
        let total = text.len();
        Ok(UrdfReader {
            text,
            source_name: source_name.to_string(),
            batches: batches.into_iter(),
            layout,
            root,
            long,
            largest_parse: 0,
            robot: empty_robot(),
            repairs: Repairs::default(),
            parsed: 0,
            total,
            whole,
            done: false,
            source_dir: None,
        })
    }

    /// The model will look for its meshes in `dir` (the folder the file was read from).
    pub fn beside(mut self, dir: Option<PathBuf>) -> UrdfReader {
        self.source_dir = dir;
        self
    }

    /// The steps left before the model is built (parsing batches, then building).
    pub fn steps_left(&self) -> usize {
        if self.done {
            0
        } else if self.whole {
            1
        } else {
            self.batches.len() + 1
        }
    }

    /// How much of the text has been parsed, 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.parsed as f64 / self.total as f64
        }
    }

    /// Parses the next batch (`None`: more to do), or, once all are parsed, validates and
    /// builds the model. After the model or an error, it has nothing more to do and says so.
    pub fn step(&mut self) -> Option<Result<Model, ModelError>> {
        if self.done {
            return Some(Err(parse_error(
                &self.source_name,
                "it has been read already".to_string(),
            )));
        }
        if self.whole {
            self.done = true;
            self.largest_parse = self.text.len();
            let robot = match parse(&self.text, &self.source_name, &mut self.repairs) {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            };
            self.parsed = self.total;
            return Some(self.build(&robot));
        }
        let Some(batch) = self.batches.next() else {
            self.done = true;
            self.parsed = self.total;
            let robot = std::mem::replace(&mut self.robot, empty_robot());
            return Some(self.build(&robot));
        };
        let children = &self.layout.children[batch];
        let body: usize = children.iter().map(|c| c.len()).sum();
        let mut piece = String::with_capacity(self.root.len() + body.min(1 << 20) + 10);
        piece.push_str(&self.root);
        for c in children {
            let child = &self.text[c.clone()];
            match &mut self.long {
                Some(long) if child.len() > COMPACT_BYTES => match compact::compact(child, long) {
                    Some(small) => piece.push_str(&small),
                    None => piece.push_str(child),
                },
                _ => piece.push_str(child),
            }
        }
        piece.push_str("</robot>");
        self.largest_parse = self.largest_parse.max(piece.len());
        let first_line = children.first().map_or(1, |c| line_at(&self.text, c.start));
        match parse(&piece, &self.source_name, &mut self.repairs) {
            Ok(mut part) => {
                if let Some(long) = &self.long {
                    long.restore_robot(&mut part);
                }
                if self.robot.name.is_empty() {
                    self.robot.name = part.name;
                    self.robot.version = part.version;
                }
                self.robot.links.extend(part.links);
                self.robot.joints.extend(part.joints);
                self.robot.materials.extend(part.materials);
                self.parsed += body;
                None
            }
            Err(ModelError::Parse {
                source_name,
                reason,
            }) => {
                self.done = true;
                let reason = match &self.long {
                    Some(long) => long.describe(&reason),
                    None => reason,
                };
                Some(Err(ModelError::Parse {
                    source_name,
                    reason: format!("{reason} (in the part from line {first_line})"),
                }))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    fn build(&mut self, robot: &urdf_rs::Robot) -> Result<Model, ModelError> {
        if let Some(long) = self.long.as_ref().filter(|l| !l.0.is_empty()) {
            self.repairs
                .restore_names(|n| long.restore(n), |p| long.describe(p));
        }
        let mut model = Model::build(robot, std::mem::take(&mut self.repairs))?;
        model.source_dir = self.source_dir.take();
        Ok(model)
    }

    /// Every step at once.
    pub fn finish(mut self) -> Result<Model, ModelError> {
        loop {
            if let Some(done) = self.step() {
                return done;
            }
        }
    }
}

fn empty_robot() -> urdf_rs::Robot {
    urdf_rs::Robot {
        name: String::new(),
        version: None,
        links: Vec::new(),
        joints: Vec::new(),
        materials: Vec::new(),
    }
}

/// One document parsed by urdf-rs, after the lenient repairs.
fn parse(
    text: &str,
    source_name: &str,
    repairs: &mut Repairs,
) -> Result<urdf_rs::Robot, ModelError> {
    let text = lenient::prepare(text, repairs);
    // urdf-rs (through serde) can panic on some malformed documents; a panic there must not
    // take the program down, so it becomes a parse error like any other.
    match std::panic::catch_unwind(|| urdf_rs::read_from_string(&text)) {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(parse_error(source_name, one_line(&e.to_string()))),
        Err(_) => Err(parse_error(
            source_name,
            "the XML could not be read as a robot".to_string(),
        )),
    }
}

fn parse_error(source_name: &str, reason: String) -> ModelError {
    ModelError::Parse {
        source_name: source_name.to_string(),
        reason,
    }
}

impl Model {
    /// Reads and validates a URDF file.
    pub fn from_urdf_file(path: impl AsRef<Path>) -> Result<Model, ModelError> {
        Model::open_urdf_file(path)?.finish()
    }

    /// Reads a URDF file and checks it, for [`UrdfReader`](UrdfReader) to parse
    /// and validate step by step; meshes are looked for beside it.
    pub fn open_urdf_file(path: impl AsRef<Path>) -> Result<UrdfReader, ModelError> {
        let path = path.as_ref();
        let text = read_robot_file(path)?;
        let reader = UrdfReader::new(text, &path.display().to_string())?;
        Ok(reader.beside(path.parent().map(Path::to_path_buf)))
    }

    /// Reads and validates URDF text.
    pub fn from_urdf_str(text: &str) -> Result<Model, ModelError> {
        Model::from_urdf_str_named(text, "the input")
    }

    /// Reads and validates URDF text, naming it `source_name` in a parse error (an uploaded
    /// file's name).
    pub fn from_urdf_str_named(text: &str, source_name: &str) -> Result<Model, ModelError> {
        UrdfReader::new(text.to_string(), source_name)?.finish()
    }
}

/// Reads a robot file, refusing what is not a regular file (a directory, a device, a pipe
/// that would block forever) and what is beyond [`guard::MAX_BYTES`], before reading.
fn read_robot_file(path: &Path) -> Result<String, ModelError> {
    use std::io::Read;
    let io = |reason: String| ModelError::Io {
        path: path.display().to_string(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(e.to_string()))?;
    if meta.is_dir() {
        return Err(io("it is a folder, not a file".into()));
    }
    if !meta.is_file() {
        return Err(io(
            "it is not a regular file (a device, a pipe or a socket)".into(),
        ));
    }
    let limit = guard::MAX_BYTES;
    let too_large =
        |bytes: usize| refused(&path.display().to_string(), Refusal::TooLarge { bytes });
    if meta.len() > limit as u64 {
        return Err(too_large(usize::try_from(meta.len()).unwrap_or(usize::MAX)));
    }
    let file = std::fs::File::open(path).map_err(|e| io(e.to_string()))?;
    // Read at most one byte past the limit, in case the file grew since it was measured.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(e.to_string()))?;
    if bytes.len() > limit {
        return Err(too_large(bytes.len()));
    }
    String::from_utf8(bytes).map_err(|e| {
        io(format!(
            "it is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::hostile;

    /// The same file read whole and in batches of about `batch` bytes.
    fn both(text: &str, batch: usize) -> (Result<Model, ModelError>, Result<Model, ModelError>) {
        let whole = UrdfReader::with_batch(text.to_string(), "f", usize::MAX, batch)
            .and_then(UrdfReader::finish);
        let split =
            UrdfReader::with_batch(text.to_string(), "f", 0, batch).and_then(UrdfReader::finish);
        (whole, split)
    }

    fn chain(n: usize) -> String {
        let mut s = String::from("<?xml version=\"1.0\"?>\n<robot name=\"c\" version=\"1.0\">\n");
        s.push_str("<material name=\"grey\"><color rgba=\"0.5 0.5 0.5 1\"/></material>\n");
        for i in 0..=n {
            s.push_str(&format!(
                "<link name=\"l{i}\"><inertial><mass value=\"1\"/><inertia ixx=\"0.01\" iyy=\"0.01\" izz=\"0.01\" ixy=\"0\" ixz=\"0\" iyz=\"0\"/></inertial><visual><geometry><box size=\"0.1 0.1 0.1\"/></geometry><material name=\"grey\"/></visual></link>\n"
            ));
        }
        for i in 0..n {
            // Every third joint without <limit>: a repair each batch must record.
            let limit = if i % 3 == 0 {
                ""
            } else {
                "<limit lower=\"-1\" upper=\"1\" effort=\"5\" velocity=\"1\"/>"
            };
            s.push_str(&format!(
                "<!-- joint {i} --><joint name=\"j{i}\" type=\"revolute\"><parent link=\"l{i}\"/><child link=\"l{}\"/><origin xyz=\"0 0 0.1\" rpy=\"0.1 0 0\"/><axis xyz=\"0 1 0\"/>{limit}</joint>\n<transmission name=\"t{i}\"><type>x</type></transmission>\n",
                i + 1
            ));
        }
        s.push_str("</robot>\n<!-- end -->\n");
        s
    }

    #[test]
    fn a_file_read_in_batches_is_the_file_read_whole() {
        for text in [
            chain(60),
            include_str!("../../urdf/panda.urdf").to_string(),
            include_str!("../../urdf/kuka_iiwa14.urdf").to_string(),
            include_str!("../../urdf/kinova_gen3.urdf").to_string(),
        ] {
            for batch in [1, 500, 4_000] {
                let (whole, split) = both(&text, batch);
                let (whole, split) = (whole.unwrap(), split.unwrap());
                assert_eq!(format!("{whole:?}"), format!("{split:?}"), "batch {batch}");
            }
        }
        let m = both(&chain(60), 1).1.unwrap();
        assert_eq!(m.dof(), 60);
        // The joints without <limit> were seen in every batch.
        assert!(
            m.warnings.iter().any(|w| w.contains("<limit>")),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn every_hostile_file_reads_the_same_whole_and_split() {
        let dir = tempfile::tempdir().unwrap();
        for case in hostile::write_all(dir.path()) {
            let Ok(text) = std::fs::read_to_string(&case.path) else {
                continue;
            };
            let (whole, split) = both(&text, 4_000);
            match (&whole, &split) {
                (Ok(w), Ok(s)) => assert_eq!(format!("{w:?}"), format!("{s:?}"), "{}", case.name),
                (Err(w), Err(s)) => {
                    let w = w.to_string();
                    assert!(s.to_string().starts_with(&w), "{}: {w} / {s}", case.name);
                }
                _ => panic!("{}: {whole:?} / {split:?}", case.name),
            }
        }
    }

    #[test]
    fn a_large_file_takes_steps_of_bounded_size() {
        let text = chain(2_000);
        assert!(text.len() > WHOLE_BYTES);
        let mut reader = UrdfReader::new(text.clone(), "big").unwrap();
        let steps = reader.steps_left();
        // Each batch holds at least BATCH_BYTES but ends at the first child past it.
        let longest = text.lines().map(str::len).max().unwrap();
        assert!(steps >= text.len() / (BATCH_BYTES + 2 * longest));
        assert!(steps <= text.len() / BATCH_BYTES + 2);
        let mut taken = 0;
        let mut last = 0.0;
        let model = loop {
            taken += 1;
            match reader.step() {
                None => {
                    assert!(reader.progress() > last);
                    last = reader.progress();
                }
                Some(m) => break m.unwrap(),
            }
        };
        assert_eq!(taken, steps);
        assert_eq!(reader.steps_left(), 0);
        assert_eq!(model.dof(), 2_000);
        // A small file is one step.
        let small = UrdfReader::new(chain(3), "small").unwrap();
        assert_eq!(small.steps_left(), 1);
    }

    #[test]
    fn errors_in_a_batch_name_the_file_and_where() {
        let mut text = chain(40);
        // A malformed joint in the middle: the tags cross.
        let at = text.find("<joint name=\"j20\"").unwrap();
        text.insert_str(
            at,
            "<joint name=\"bad\"><parent link=\"l1\"></joint></parent>\n",
        );
        let (whole, split) = both(&text, 300);
        let (whole, split) = (whole.unwrap_err(), split.unwrap_err());
        assert!(matches!(whole, ModelError::Parse { .. }), "{whole}");
        let line = text[..at].lines().count() + 1;
        let split = split.to_string();
        assert!(split.starts_with("f is not valid URDF:"), "{split}");
        // The part named starts at most a few lines (one batch) before the bad element.
        let from: usize = split
            .rsplit("from line ")
            .next()
            .and_then(|s| s.trim_end_matches(')').parse().ok())
            .unwrap();
        assert!(
            from <= line && line - from <= 6,
            "{split} (bad line {line})"
        );
        assert_eq!(split.lines().count(), 1);
        // Validation errors are the same either way.
        let dup = chain(40).replace("name=\"l7\"", "name=\"l6\"");
        let (whole, split) = both(&dup, 300);
        assert_eq!(whole.unwrap_err(), split.unwrap_err());
    }

    #[test]
    fn what_surrounds_the_root_is_checked_when_split() {
        let err = |t: String| {
            UrdfReader::with_batch(t, "f", 0, 1)
                .err()
                .unwrap()
                .to_string()
        };
        let second = format!("{}<robot name=\"two\"/>", chain(5));
        assert!(err(second).contains("more after the closing </robot> (line"));
        let text = format!("{}stray text", chain(5));
        assert!(err(text).contains("more after the closing"));
        let open = chain(5).replace("</robot>", "");
        assert!(err(open).contains("never closed"));
        // Comments and whitespace after the root are allowed.
        assert!(UrdfReader::with_batch(chain(5), "f", 0, 1).is_ok());
    }

    #[test]
    fn a_long_root_tag_makes_the_batches_longer() {
        // A long value compaction keeps (a known attribute, numbers).
        let text = chain(50).replace(
            "<robot name=\"c\"",
            &format!("<robot name=\"c\" xyz=\"{}\"", "1 ".repeat(10_000)),
        );
        let reader = UrdfReader::with_batch(text.clone(), "f", 0, 1).unwrap();
        // Each batch carries at least four root tags' worth of children.
        assert!(
            reader.steps_left() <= text.len() / 80_000 + 2,
            "{}",
            reader.steps_left()
        );
        assert_eq!(reader.finish().unwrap().dof(), 50);
        // One the parser ignores is dropped from the repeated tag: the batches stay small.
        let text = chain(50).replace(
            "<robot name=\"c\"",
            &format!("<robot name=\"c\" note=\"{}\"", "x".repeat(20_000)),
        );
        let mut reader = UrdfReader::with_batch(text.clone(), "f", 0, 1).unwrap();
        assert!(reader.steps_left() > 50);
        let model = loop {
            if let Some(m) = reader.step() {
                break m.unwrap();
            }
        };
        assert_eq!(model.dof(), 50);
        assert!(reader.largest_parse < 2_000, "{}", reader.largest_parse);
    }

    /// A 4 MB name is swapped for a token before the parser sees it and given back after:
    /// no step parses more than a batch's worth, and the model holds the name as written.
    #[test]
    fn a_huge_name_is_never_parsed_whole() {
        let name = "n".repeat(4 << 20);
        let joint = "j".repeat(20_000);
        let text = format!(
            r#"<robot name="r"><link name="{name}"/><link name="b"/><joint name="{joint}" type="revolute"><parent link="{name}"/><child link="b"/><axis xyz="0 0 1"/></joint></robot>"#
        );
        let mut reader = UrdfReader::new(text, "huge").unwrap();
        let model = loop {
            if let Some(m) = reader.step() {
                break m.unwrap();
            }
        };
        assert!(
            reader.largest_parse < 4 * BATCH_BYTES,
            "{}",
            reader.largest_parse
        );
        assert_eq!(model.links[0].name, name);
        assert_eq!(model.joints[0].name, joint);
        assert_eq!(model.dof(), 1);
        // The joint had no <limit>: found under its restored name, it is free to turn.
        assert!(model.warnings.iter().any(|w| w.contains("limit")));
        assert!(model.joints[0].limits.0.is_infinite());
    }
}
