//! Rule expressions: the conditions and formulas written in `rules/*.toml` (minijinja
//! expressions), compiled once when the rules load and evaluated over a context built in one
//! place. This is the bottom of the house: `rules`, `ingest` and `engine` use it, and it imports
//! none of them. An evaluation that fails is an `Err` for the caller to report with the rule and
//! the row; nothing here turns a failure into `false`.

use crate::value::{Value, format_number};
use minijinja::machinery::ast;
use minijinja::{Environment, Expression, Value as V};
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

/// Steps one evaluation of a rule expression or template may take (minijinja fuel). A safety
/// bound of the engine, like a stack size, not a county rule: rules that need more are broken.
pub(crate) const FUEL: u64 = 1_000_000;
/// Longest rule expression accepted at load, in characters.
pub(crate) const MAX_EXPR_CHARS: usize = 4_000;
/// Deepest nesting of brackets accepted at load.
pub(crate) const MAX_NESTING: usize = 32;

/// The one environment every compiled rule expression lives in.
static ENV: LazyLock<Environment<'static>> = LazyLock::new(environment);

/// An environment whose evaluations cannot run away: fuel, and a low recursion limit.
pub(crate) fn bounded_env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(MAX_NESTING * 2);
    env
}

/// An environment for rule expressions and text templates, with the `num` filter (a number
/// rounded to two decimals, without trailing zeros).
pub(crate) fn environment() -> Environment<'static> {
    let mut env = bounded_env();
    env.add_filter("num", |v: f64| format_number((v * 100.0).round() / 100.0));
    env
}

/// Refuses an expression too long or too deeply nested to be a rule (before it is parsed, so a
/// 100,000-term formula cannot overflow the stack).
pub(crate) fn check_size(src: &str) -> Result<(), String> {
    let n = src.chars().count();
    if n > MAX_EXPR_CHARS {
        return Err(format!("表达式过长（{n} 字，上限 {MAX_EXPR_CHARS} 字）"));
    }
    let mut depth: usize = 0;
    let mut deepest = 0;
    for c in src.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    if deepest > MAX_NESTING {
        return Err(format!(
            "表达式嵌套过深（{deepest} 层，上限 {MAX_NESTING} 层）"
        ));
    }
    let terms = src.matches(['+', '-', '*', '/', '%', '~']).count()
        + src.matches(" and ").count()
        + src.matches(" or ").count();
    if terms > MAX_EXPR_CHARS / 8 {
        return Err(format!("表达式的运算过多（{terms} 个）"));
    }
    Ok(())
}

/// The parser's message in words, where it is one a clerk's edit makes: an expression cut
/// short, a character it cannot read.
pub(crate) fn syntax_words(message: &str) -> Option<String> {
    if message.contains("unexpected end of input") {
        return Some("表达式不完整：末尾缺少数值、字段名或右括号".into());
    }
    if message.contains("unexpected character") {
        return Some("有不能识别的字符：文字须放在半角引号内，运算符用半角".into());
    }
    None
}

/// Why an expression was refused at load.
#[derive(Debug, Clone, PartialEq)]
pub enum CompileError {
    /// Too long, too deep, or too many terms (the message says which).
    Size(String),
    /// Not a valid expression (minijinja's message).
    Syntax(String),
    /// Names the expression reads that the rule does not provide, sorted.
    Unknown(Vec<String>),
}

/// A compiled rule expression with the names it reads.
#[derive(Clone)]
pub struct Expr {
    src: String,
    vars: Vec<String>,
    compiled: Arc<Expression<'static, 'static>>,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Expr").field(&self.src).finish()
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        self.src == other.src
    }
}

impl Expr {
    /// Compiles `src`; when `known` is given, every name it reads must be in it.
    pub fn compile(src: &str, known: Option<&[String]>) -> Result<Expr, CompileError> {
        check_size(src).map_err(CompileError::Size)?;
        if src.trim().is_empty() {
            return Err(CompileError::Size("表达式为空：须写出公式或条件".into()));
        }
        let compiled = ENV
            .compile_expression_owned(src.to_string())
            .map_err(|e| CompileError::Syntax(e.to_string()))?;
        let mut vars: Vec<String> = compiled.undeclared_variables(false).into_iter().collect();
        vars.sort();
        if let Some(known) = known {
            let unknown: Vec<String> = vars
                .iter()
                .filter(|v| !known.contains(v))
                .cloned()
                .collect();
            if !unknown.is_empty() {
                return Err(CompileError::Unknown(unknown));
            }
        }
        Ok(Expr {
            src: src.to_string(),
            vars,
            compiled: Arc::new(compiled),
        })
    }

    /// The expression as written in the rules.
    pub(crate) fn src(&self) -> &str {
        &self.src
    }

    /// The names the expression reads, sorted.
    pub(crate) fn vars(&self) -> &[String] {
        &self.vars
    }

    /// The expression's value over `ctx`.
    pub(crate) fn eval(&self, ctx: V) -> Result<V, minijinja::Error> {
        self.compiled.eval(ctx)
    }

    /// Whether the condition holds over `ctx`.
    pub fn holds(&self, ctx: V) -> Result<bool, minijinja::Error> {
        self.eval(ctx).map(|v| v.is_true())
    }
}

/// Checks a text template of a rule (a notice matter, a check's message) at load.
pub(crate) fn check_template(src: &str) -> Result<(), String> {
    ENV.template_from_str(src)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Checks that a rule's text template reads only names of `known` (the names its context gives):
/// a misspelt `{{ workday }}` would print as nothing in an official notice.
pub(crate) fn check_template_names(src: &str, known: &[&str]) -> Result<(), String> {
    let t = ENV.template_from_str(src).map_err(|e| e.to_string())?;
    let mut unknown: Vec<String> = t
        .undeclared_variables(false)
        .into_iter()
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort();
    Err(format!(
        "模板中的 {} 不是可用的名称（可用: {}）",
        unknown
            .iter()
            .map(|n| format!("{{{{ {n} }}}}"))
            .collect::<Vec<_>>()
            .join("、"),
        known.join("、")
    ))
}

/// A quoted text an expression compares with a name: `name == 'x'`, `'x' != name`, each text of
/// `name in ['x', 'y']`, or `'x' in name` (a list the context gives, such as `penalty_ids`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Compared {
    pub(crate) name: String,
    pub(crate) text: String,
    /// Byte offset of the quoted text in the expression.
    pub(crate) offset: usize,
}

/// The quoted texts `src` compares with a name, in order (none when it does not parse).
pub(crate) fn compared_texts(src: &str) -> Vec<Compared> {
    let mut out = Vec::new();
    if let Ok(e) = minijinja::machinery::parse_expr(src) {
        visit(&e, &mut out);
    }
    out.sort_by_key(|c| c.offset);
    out
}

/// Collects the comparisons of `e` and of every expression inside it.
fn visit(e: &ast::Expr<'_>, out: &mut Vec<Compared>) {
    match e {
        ast::Expr::Var(_) | ast::Expr::Const(_) => {}
        ast::Expr::BinOp(b) => {
            compare(&b.left, b.op, &b.right, out);
            visit(&b.left, out);
            visit(&b.right, out);
        }
        ast::Expr::Compare(c) => {
            let mut left = &c.expr;
            visit(left, out);
            for op in &c.ops {
                let kind = match op.op {
                    ast::CompareOpKind::Eq => ast::BinOpKind::Eq,
                    ast::CompareOpKind::Ne => ast::BinOpKind::Ne,
                    ast::CompareOpKind::In | ast::CompareOpKind::NotIn => ast::BinOpKind::In,
                    _ => ast::BinOpKind::Lt,
                };
                compare(left, kind, &op.expr, out);
                visit(&op.expr, out);
                left = &op.expr;
            }
        }
        ast::Expr::Slice(s) => {
            visit(&s.expr, out);
            for part in [&s.start, &s.stop, &s.step].into_iter().flatten() {
                visit(part, out);
            }
        }
        ast::Expr::UnaryOp(u) => visit(&u.expr, out),
        ast::Expr::IfExpr(i) => {
            visit(&i.test_expr, out);
            visit(&i.true_expr, out);
            if let Some(f) = &i.false_expr {
                visit(f, out);
            }
        }
        ast::Expr::Filter(f) => {
            if let Some(x) = &f.expr {
                visit(x, out);
            }
            visit_args(&f.args, out);
        }
        ast::Expr::Test(t) => {
            visit(&t.expr, out);
            visit_args(&t.args, out);
        }
        ast::Expr::GetAttr(g) => visit(&g.expr, out),
        ast::Expr::GetItem(g) => {
            visit(&g.expr, out);
            visit(&g.subscript_expr, out);
        }
        ast::Expr::Call(c) => {
            visit(&c.expr, out);
            visit_args(&c.args, out);
        }
        ast::Expr::List(l) => l.items.iter().for_each(|x| visit(x, out)),
        ast::Expr::Tuple(t) => t.items.iter().for_each(|x| visit(x, out)),
        ast::Expr::Map(m) => m.keys.iter().chain(&m.values).for_each(|x| visit(x, out)),
    }
}

fn visit_args(args: &[ast::CallArg<'_>], out: &mut Vec<Compared>) {
    for a in args {
        match a {
            ast::CallArg::Pos(x)
            | ast::CallArg::Kwarg(_, x)
            | ast::CallArg::PosSplat(x)
            | ast::CallArg::KwargSplat(x) => visit(x, out),
        }
    }
}

/// The texts one comparison `left op right` holds against a name.
fn compare(
    left: &ast::Expr<'_>,
    op: ast::BinOpKind,
    right: &ast::Expr<'_>,
    out: &mut Vec<Compared>,
) {
    let text = |e: &ast::Expr<'_>| match e {
        ast::Expr::Const(c) => c
            .value
            .as_str()
            .map(|s| (s.to_string(), c.span().start_offset as usize)),
        _ => None,
    };
    let name = |e: &ast::Expr<'_>| match e {
        ast::Expr::Var(v) => Some(v.id.to_string()),
        _ => None,
    };
    let mut push = |name: &str, (text, offset): (String, usize)| {
        out.push(Compared {
            name: name.to_string(),
            text,
            offset,
        })
    };
    match op {
        ast::BinOpKind::Eq | ast::BinOpKind::Ne => {
            if let (Some(n), Some(t)) = (name(left), text(right)) {
                push(&n, t);
            } else if let (Some(t), Some(n)) = (text(left), name(right)) {
                push(&n, t);
            }
        }
        ast::BinOpKind::In => {
            if let (Some(t), Some(n)) = (text(left), name(right)) {
                push(&n, t);
            } else if let Some(n) = name(left) {
                let items = match right {
                    ast::Expr::List(l) => &l.items[..],
                    ast::Expr::Tuple(t) => &t.items[..],
                    _ => &[],
                };
                for t in items.iter().filter_map(text) {
                    push(&n, t);
                }
            }
        }
        _ => {}
    }
}

/// Renders a text template of a rule over `ctx`.
pub(crate) fn render(src: &str, ctx: V) -> Result<String, String> {
    ENV.render_str(src, ctx).map_err(|e| e.to_string())
}

/// A field value as a minijinja value: dates as `YYYY-MM-DD` strings (which compare in order).
pub(crate) fn to_jinja(v: &Value) -> V {
    match v {
        Value::Text(s) => V::from(s.as_str()),
        Value::Int(i) => V::from(*i),
        Value::Number(n) => V::from(*n),
        Value::Date(d) => V::from(iso_date(*d)),
        Value::Bool(b) => V::from(*b),
    }
}

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it (chrono for years outside 0–9999).
pub(crate) fn iso_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if !(0..=9999).contains(&d.year()) {
        return d.format("%Y-%m-%d").to_string();
    }
    let mut out = String::with_capacity(10);
    let digits = |out: &mut String, n: u32, width: u32| {
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(p) % 10) as u8));
        }
    };
    digits(&mut out, d.year() as u32, 4);
    out.push('-');
    digits(&mut out, d.month(), 2);
    out.push('-');
    digits(&mut out, d.day(), 2);
    out
}

/// The context of one row: every name in `known` is defined, as none when the row has no value
/// for it.
pub fn row_context(values: &BTreeMap<String, Value>, known: &[String]) -> V {
    context_of(|k| values.get(k), known.iter())
}

impl Expr {
    /// The context of one row for this expression alone: [`row_context`] restricted to the
    /// names the expression reads (the others cannot change its value), so a row costs only
    /// the values it uses.
    pub(crate) fn row_context(&self, values: &BTreeMap<String, Value>, known: &[String]) -> V {
        self.context_by(|k| values.get(k), known)
    }

    /// [`Expr::row_context`] over any lookup of a row's values (a row with a value laid over
    /// it, say), so the row need not be copied to add one.
    pub(crate) fn context_by<'v>(
        &self,
        get: impl Fn(&str) -> Option<&'v Value>,
        known: &[String],
    ) -> V {
        context_of(
            get,
            known.iter().filter(|k| self.vars.binary_search(k).is_ok()),
        )
    }
}

/// The context of every name of `names`, each looked up with `get` (none: `none`).
pub(crate) fn context_of<'a, 'v>(
    get: impl Fn(&str) -> Option<&'v Value>,
    names: impl Iterator<Item = &'a String>,
) -> V {
    let ctx: BTreeMap<&str, V> = names
        .map(|k| (k.as_str(), get(k).map(to_jinja).unwrap_or(V::from(()))))
        .collect();
    V::from(ctx)
}

#[cfg(test)]
mod tests;
