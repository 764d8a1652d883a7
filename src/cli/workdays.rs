//! `sanyipi workdays add|count|is`: the office's ad-hoc working-day questions.

use super::OK;
use crate::calendar::{Calendar, DayKind, Reckoned, weekday_zh};
use crate::rules::Rules;
use chrono::NaiveDate;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// 日期 DATE 之后第 N 个工作日（DATE 当天不计）
    Add {
        /// 起始日期，如 2026-09-28（当天不计）
        date: String,
        /// 工作日数
        n: u32,
        /// 规则目录（默认使用内置规则）
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// FROM 之后到 TO（含）之间的工作日数
    Count {
        /// 起始日期（不计入）
        from: String,
        /// 截止日期（计入）
        to: String,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// DATE 是否为工作日
    Is {
        /// 日期，如 2026-10-10
        date: String,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<i32> {
    let text = match cmd {
        Command::Add { date, n, rules } => {
            let cal = calendar(rules)?;
            let d = parse(&date)?;
            let r = cal.add(d, n);
            let mut s = format!(
                "{} 之后第{}个工作日：{}（{}）",
                fmt(d),
                n,
                fmt(r.value),
                describe(&cal, r.value)
            );
            s.push_str(&provisional_note(&r));
            s
        }
        Command::Count { from, to, rules } => {
            let cal = calendar(rules)?;
            let (a, b) = (parse(&from)?, parse(&to)?);
            let r = cal.count(a, b);
            let mut s = format!(
                "{} 至 {} 共 {} 个工作日（不含起始日 {}，含截止日 {}）",
                fmt(a),
                fmt(b),
                r.value,
                fmt(a),
                fmt(b)
            );
            s.push_str(&provisional_note(&r));
            s
        }
        Command::Is { date, rules } => {
            let cal = calendar(rules)?;
            let d = parse(&date)?;
            let k = cal.kind(d);
            let mut s = format!(
                "{}（{}）{}：{}",
                fmt(d),
                weekday_zh(d),
                if k.is_working() {
                    "是工作日"
                } else {
                    "不是工作日"
                },
                describe_kind(&k)
            );
            if !cal.knows_year(d.year_ce().1 as i32) {
                s.push_str(&format!(
                    "\n注意：尚无 {} 年的节假日安排，仅按周末判断，结果为暂定。{}",
                    d.format("%Y"),
                    crate::calendar::how_to_add(d.format("%Y").to_string().parse().unwrap_or(0))
                ));
            }
            s
        }
    };
    println!("{text}");
    Ok(OK)
}

use chrono::Datelike;

fn calendar(rules: Option<PathBuf>) -> anyhow::Result<Calendar> {
    Ok(Rules::load(rules.as_deref())?.calendar)
}

fn parse(s: &str) -> anyhow::Result<NaiveDate> {
    crate::ingest::value::parse_date_text(s)
        .ok_or_else(|| anyhow::anyhow!("“{s}”不是有效日期，请写成 2026-09-28"))
}

fn fmt(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn describe(cal: &Calendar, d: NaiveDate) -> String {
    let k = cal.kind(d);
    match k {
        DayKind::Workday => weekday_zh(d).to_string(),
        DayKind::Adjusted(_) => format!("{}，调休上班", weekday_zh(d)),
        _ => format!("{}，{}", weekday_zh(d), describe_kind(&k)),
    }
}

fn describe_kind(k: &DayKind) -> String {
    match k {
        DayKind::Workday => "正常工作日".into(),
        DayKind::Weekend => "周末".into(),
        DayKind::Holiday(name) => format!("{name}放假"),
        DayKind::Adjusted(name) => format!("调休上班（{name}）"),
    }
}

fn provisional_note<T>(r: &Reckoned<T>) -> String {
    if r.missing_years.is_empty() {
        return String::new();
    }
    let years: Vec<String> = r.missing_years.iter().map(|y| y.to_string()).collect();
    format!(
        "\n注意：结果取决于尚未收录的 {} 年节假日安排，目前仅按周末推算，结果为暂定。{}",
        years.join("、"),
        crate::calendar::how_to_add(r.missing_years[0])
    )
}
