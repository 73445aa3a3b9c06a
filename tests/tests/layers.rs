//! The layers point only down: no import circle anywhere in callguard's library crates.
//!
//! The crates themselves are layered by Cargo (`callguard-text` ← `callguard-number` ←
//! `callguard-core`), which refuses a circle between them. Inside a crate nothing does, so this
//! test reads the sources with `syn`, follows the `mod` declarations from `lib.rs` as the compiler
//! does (leaving out `#[cfg(test)]` modules), and resolves every `crate::`, `super::` and `self::`
//! path, through `use` re-exports, to the module that defines what it names. It then checks:
//! - among the children of every module, the "uses" edges form no circle;
//! - the top-level modules of each crate use only modules of earlier layers (the flow of one call,
//!   in the order ARCHITECTURE.md draws it);
//! - `docs/module-graph.md` is this graph. After a change of structure, regenerate it with
//!   `UPDATE_MODULE_GRAPH=1 cargo test -p callguard-tests --test layers`.
//!
//! An edge between a module and one of its own ancestors or descendants is hierarchy, not a
//! circle: a parent declares and re-exports its children, and children use the parent's items.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module path inside one crate: `["store", "lists"]`; the crate root is `[]`.
type ModPath = Vec<String>;

/// One library crate and the layer order of its top-level modules: a module may use modules of
/// its own layer's predecessors only. Modules in one inner list are peers that use each other
/// not at all.
struct CrateLayers {
    name: &'static str,
    dir: &'static str,
    layers: &'static [&'static [&'static str]],
    /// `(a, b)`: code in top-level module `a` never names a path into module `b`, though it may
    /// use `b`'s items through a module that re-exports them (a façade).
    through_facade_only: &'static [(&'static str, &'static str)],
}

const CRATES: &[CrateLayers] = &[
    CrateLayers {
        name: "callguard-text",
        dir: "text",
        layers: &[&["fold", "lang"], &["pack"], &["local"]],
        through_facade_only: &[],
    },
    CrateLayers {
        name: "callguard-number",
        dir: "number",
        layers: &[
            &["e164", "presentation", "kind", "region"],
            &["invalid", "plan"],
            &["texts", "numbering"],
            &["parse"],
            &["info"],
            &["classify"],
        ],
        through_facade_only: &[],
    },
    CrateLayers {
        name: "callguard-core",
        dir: "core",
        layers: &[
            &["files", "call"],
            &["store"],
            &["evidence"],
            &["claims"],
            &["risk"],
            &["screener", "call_directory"],
        ],
        // Risk and claims read what the store knows as `evidence`, never the store itself.
        through_facade_only: &[("risk", "store"), ("claims", "store")],
    },
];

/// What one crate's sources say: its modules, the names each imports, the paths each uses.
#[derive(Default)]
struct CrateSources {
    modules: BTreeSet<ModPath>,
    /// `(module, name)` → the absolute path a `use` in that module binds the name to.
    imports: BTreeMap<(ModPath, String), ModPath>,
    /// Every path that starts in the crate, made absolute, with the module using it.
    uses: Vec<(ModPath, ModPath)>,
}

/// Paths as written, resolved once every module is known (a `use` may precede its `mod`).
#[derive(Default)]
struct Written {
    imports: Vec<(ModPath, String, ModPath)>,
    uses: Vec<(ModPath, ModPath)>,
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .map(|l| l.tokens.to_string().split_whitespace().any(|t| t == "test"))
                .unwrap_or(false)
    })
}

/// Makes `path` (as written in `module`) absolute, or `None` for a path that does not start in
/// the crate (an external crate, a prelude name, a local binding). Since Rust 2018 a path may
/// also start with a child module's name.
fn absolute(modules: &BTreeSet<ModPath>, module: &[String], path: &[String]) -> Option<ModPath> {
    let mut segments = path.iter();
    let first = segments.next()?;
    let mut base: ModPath = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => module[..module.len().checked_sub(1)?].to_vec(),
        child => {
            let mut base = module.to_vec();
            base.push(child.to_owned());
            if !modules.contains(&base) {
                return None;
            }
            base
        }
    };
    let mut rest: Vec<&String> = segments.collect();
    while rest.first().is_some_and(|s| *s == "super") {
        base.pop()?;
        rest.remove(0);
    }
    base.extend(rest.into_iter().cloned());
    Some(base)
}

struct FileVisitor<'a> {
    sources: &'a mut CrateSources,
    written: &'a mut Written,
    dir: PathBuf,
    module: ModPath,
    pending_files: Vec<(ModPath, PathBuf)>,
}

impl FileVisitor<'_> {
    fn flatten_use(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.flatten_use(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.bind(prefix, &n.ident.to_string(), &n.ident),
            syn::UseTree::Rename(r) => self.bind(prefix, &r.rename.to_string(), &r.ident),
            syn::UseTree::Glob(_) => self
                .written
                .uses
                .push((self.module.clone(), prefix.clone())),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.flatten_use(prefix, item);
                }
            }
        }
    }

    fn bind(&mut self, prefix: &[String], name: &str, ident: &syn::Ident) {
        let mut full = prefix.to_vec();
        if ident != "self" {
            full.push(ident.to_string());
        }
        let local = if name == "self" {
            prefix.last().cloned().unwrap_or_default()
        } else {
            name.to_owned()
        };
        self.written
            .imports
            .push((self.module.clone(), local, full.clone()));
        self.written.uses.push((self.module.clone(), full));
    }
}

impl<'ast> Visit<'ast> for FileVisitor<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if is_cfg_test(&item.attrs) {
            return;
        }
        let mut child = self.module.clone();
        child.push(item.ident.to_string());
        self.sources.modules.insert(child.clone());
        let child_dir = self.dir.join(item.ident.to_string());
        match &item.content {
            Some((_, items)) => {
                let outer = std::mem::replace(&mut self.module, child);
                let outer_dir = std::mem::replace(&mut self.dir, child_dir);
                for inner in items {
                    self.visit_item(inner);
                }
                self.module = outer;
                self.dir = outer_dir;
            }
            None => {
                let flat = self.dir.join(format!("{}.rs", item.ident));
                let nested = child_dir.join("mod.rs");
                let file = if flat.is_file() { flat } else { nested };
                self.pending_files.push((child, file));
            }
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_cfg_test(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if !is_cfg_test(&item.attrs) {
            syn::visit::visit_item_impl(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if !is_cfg_test(&item.attrs) {
            self.flatten_use(&mut Vec::new(), &item.tree);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.written.uses.push((self.module.clone(), segments));
        syn::visit::visit_path(self, path);
    }
}

/// Reads a crate from `lib.rs`, following `mod` declarations.
fn read_crate(src: &Path) -> CrateSources {
    let mut sources = CrateSources::default();
    let mut written = Written::default();
    sources.modules.insert(Vec::new());
    let mut files = vec![(Vec::new(), src.join("lib.rs"))];
    while let Some((module, file)) = files.pop() {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // A module's children live beside `lib.rs` / `mod.rs`, or in a folder named after a
        // module's own file.
        let dir = match file.file_name().and_then(|n| n.to_str()) {
            Some("lib.rs" | "mod.rs") => file.parent().expect("a folder").to_path_buf(),
            _ => file.with_extension(""),
        };
        let mut visitor = FileVisitor {
            sources: &mut sources,
            written: &mut written,
            dir,
            module,
            pending_files: Vec::new(),
        };
        visitor.visit_file(&ast);
        files.extend(visitor.pending_files);
    }
    for (module, name, path) in written.imports {
        if let Some(target) = absolute(&sources.modules, &module, &path) {
            sources.imports.insert((module, name), target);
        }
    }
    for (module, path) in written.uses {
        if let Some(target) = absolute(&sources.modules, &module, &path) {
            sources.uses.push((module, target));
        }
    }
    sources
}

/// The module that defines what an absolute path names: the longest module prefix, followed
/// through `use` bindings (re-exports) to where the name comes from.
fn defining_module(sources: &CrateSources, path: &[String]) -> ModPath {
    let mut path = path.to_vec();
    for _ in 0..16 {
        let depth = (0..=path.len())
            .rev()
            .find(|n| sources.modules.contains(&path[..*n]))
            .unwrap_or(0);
        let module = path[..depth].to_vec();
        let Some(next) = path.get(depth) else {
            return module;
        };
        match sources.imports.get(&(module.clone(), next.clone())) {
            Some(target) => {
                let mut followed = target.clone();
                followed.extend(path[depth + 1..].iter().cloned());
                if followed == path {
                    return module;
                }
                path = followed;
            }
            None => return module,
        }
    }
    Vec::new()
}

/// For every module, the "uses" edges among its children: `parent → {child → {child used}}`.
type SiblingGraph = BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>>;

fn sibling_graph(sources: &CrateSources) -> SiblingGraph {
    let mut graph = SiblingGraph::new();
    for (from, path) in &sources.uses {
        let to = defining_module(sources, path);
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let (Some(a), Some(b)) = (from.get(common), to.get(common)) else {
            continue; // one is an ancestor of the other: hierarchy, not a dependency
        };
        graph
            .entry(from[..common].to_vec())
            .or_default()
            .entry(a.clone())
            .or_default()
            .insert(b.clone());
    }
    graph
}

/// A circle in one parent's graph, as the names along it, if there is one.
fn find_circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = stack.iter().position(|n| n == node) {
            let mut circle = stack[start..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, done, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|n| visit(n, edges, &mut done, &mut Vec::new()))
}

fn module_name(krate: &str, module: &[String]) -> String {
    if module.is_empty() {
        krate.replace('-', "_")
    } else {
        format!("{}::{}", krate.replace('-', "_"), module.join("::"))
    }
}

fn read_all() -> Vec<(&'static CrateLayers, CrateSources)> {
    let root = workspace_root();
    CRATES
        .iter()
        .map(|c| (c, read_crate(&root.join(c.dir).join("src"))))
        .collect()
}

fn graphs() -> Vec<(&'static CrateLayers, SiblingGraph)> {
    read_all()
        .into_iter()
        .map(|(c, sources)| (c, sibling_graph(&sources)))
        .collect()
}

#[test]
fn facades_are_the_only_way_in() {
    let mut wrong = BTreeSet::new();
    for (krate, sources) in read_all() {
        for (from, path) in &sources.uses {
            for (a, b) in krate.through_facade_only {
                if from.first().is_some_and(|m| m == a) && path.first().is_some_and(|m| m == b) {
                    wrong.insert(format!(
                        "{} names {}",
                        module_name(krate.name, from),
                        module_name(krate.name, path)
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "paths around a façade: {wrong:#?}");
}

#[test]
fn no_module_uses_a_module_that_uses_it_back() {
    let mut circles = Vec::new();
    for (krate, graph) in graphs() {
        for (parent, edges) in &graph {
            if let Some(circle) = find_circle(edges) {
                circles.push(format!(
                    "in {}: {}",
                    module_name(krate.name, parent),
                    circle.join(" → ")
                ));
            }
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn top_level_modules_use_only_earlier_layers() {
    for (krate, graph) in graphs() {
        let layer_of: BTreeMap<&str, usize> = krate
            .layers
            .iter()
            .enumerate()
            .flat_map(|(i, names)| names.iter().map(move |n| (*n, i)))
            .collect();
        let top = graph.get(&Vec::new()).cloned().unwrap_or_default();
        let mut wrong = Vec::new();
        for (from, tos) in &top {
            let Some(&from_layer) = layer_of.get(from.as_str()) else {
                wrong.push(format!("{from} is in no layer of {}", krate.name));
                continue;
            };
            for to in tos {
                match layer_of.get(to.as_str()) {
                    Some(&to_layer) if to_layer < from_layer => {}
                    Some(_) => wrong.push(format!("{from} uses {to}, a layer not beneath it")),
                    None => wrong.push(format!("{to} is in no layer of {}", krate.name)),
                }
            }
        }
        assert!(wrong.is_empty(), "{}: {wrong:#?}", krate.name);
        // The check saw the real graph: the top layer uses something.
        assert!(!top.is_empty(), "{}: no edges read", krate.name);
    }
}

#[test]
fn the_circle_finder_finds_circles() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_circle(&edges), None);
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_circle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let here = vec!["store".to_owned(), "lists".to_owned()];
    let modules: BTreeSet<ModPath> = [vec![], vec!["store".to_owned()], here.clone()]
        .into_iter()
        .collect();
    assert_eq!(
        absolute(
            &modules,
            &here,
            &["super".into(), "view".into(), "View".into()]
        ),
        Some(vec!["store".into(), "view".into(), "View".into()])
    );
    assert_eq!(
        absolute(&modules, &[], &["store".into(), "Store".into()]),
        Some(vec!["store".into(), "Store".into()])
    );
    assert_eq!(
        absolute(&modules, &here, &["std".into(), "fs".into()]),
        None
    );
}

/// `docs/module-graph.md`: for each crate a Mermaid diagram of its top level, then every
/// module's children with what each uses.
fn render(graphs: &[(&CrateLayers, SiblingGraph)]) -> String {
    let mut out = String::from(
        "# Module graph\n\n\
         Generated from the sources by `tests/tests/layers.rs`, which also fails on any import\n\
         circle and on a top-level module using a layer above it. Regenerate after a change of\n\
         structure:\n\n\
         ```sh\nUPDATE_MODULE_GRAPH=1 cargo test -p callguard-tests --test layers\n```\n\n\
         An arrow `a → b` means code in `a` (or beneath it) uses an item defined in `b` (or\n\
         beneath it), `use` re-exports followed to where the item is defined. The crates are\n\
         layered by Cargo: `callguard_text` ← `callguard_number` ← `callguard_core`.\n",
    );
    for (krate, graph) in graphs {
        let root = module_name(krate.name, &[]);
        let _ = write!(out, "\n## {root}\n\nLayers, lowest first: ");
        let layers: Vec<String> = krate
            .layers
            .iter()
            .map(|l| format!("`{}`", l.join("`, `")))
            .collect();
        let _ = writeln!(out, "{}.\n\n```mermaid\nflowchart BT", layers.join(" ← "));
        for (from, tos) in graph.get(&Vec::new()).into_iter().flatten() {
            for to in tos {
                let _ = writeln!(out, "  {from} --> {to}");
            }
        }
        out.push_str("```\n\n");
        for (parent, edges) in graph {
            let _ = writeln!(out, "- `{}`", module_name(krate.name, parent));
            for (from, tos) in edges {
                let tos: Vec<&str> = tos.iter().map(String::as_str).collect();
                let _ = writeln!(out, "  - `{from}` → {}", tos.join(", "));
            }
        }
    }
    out
}

#[test]
fn the_module_graph_document_is_current() {
    let path = workspace_root().join("docs/module-graph.md");
    let rendered = render(&graphs());
    if std::env::var_os("UPDATE_MODULE_GRAPH").is_some() {
        std::fs::write(&path, &rendered).expect("write docs/module-graph.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "docs/module-graph.md is stale: run UPDATE_MODULE_GRAPH=1 cargo test -p callguard-tests \
         --test layers"
    );
}
