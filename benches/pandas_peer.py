#!/usr/bin/env python3
"""The peer of `sanyipi run` for the scale bench: the pandas pipeline a county IT clerk would
write for one month (issue 26). Reads every file of the month (ledger, procedure list, signed list,
every monthly report, xlsx with openpyxl and ods with odfpy), cleans names, numbers and dates,
joins the reports to the ledger, scores the projects roughly as `rules/scoring.toml` does
(investment, start, completion, procedures on time, reporting), averages per unit, ranks, and
writes the ranking as an xlsx.

Usage: python3 benches/pandas_peer.py MONTH_DIR OUT.xlsx [AS_OF=2026-10-26]
"""

import re
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd


def norm(s):
    """Trimmed NFKC text without inner blanks; '' for empty cells."""
    if s is None or (isinstance(s, float) and np.isnan(s)):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def number(v):
    """'3,500', '7640万元', full-width digits or a number → float (NaN when not a number)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    t = norm(v).replace(",", "").replace("万元", "")
    try:
        return float(t)
    except ValueError:
        return np.nan


def date(v):
    """A date cell, '2026.5.10', '2026年5月10日' or '2026-05-10' → Timestamp (NaT otherwise)."""
    if isinstance(v, pd.Timestamp):
        return v.normalize()
    if hasattr(v, "year") and hasattr(v, "month"):
        return pd.Timestamp(v).normalize()
    t = norm(v)
    m = re.match(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$", t)
    if not m:
        return pd.NaT
    return pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))


def read_table(path, must_have):
    """The first sheet holding a header row with `must_have`: the header (two rows merged when
    the row below fills the blanks) and the rows under it, as a DataFrame of raw cells."""
    engine = "odf" if path.suffix == ".ods" else "openpyxl"
    sheets = pd.read_excel(path, sheet_name=None, header=None, engine=engine, dtype=object)
    for grid in sheets.values():
        for i in range(min(len(grid), 10)):
            labels = [norm(x) for x in grid.iloc[i]]
            if must_have not in labels:
                continue
            below = [norm(x) for x in grid.iloc[i + 1]] if i + 1 < len(grid) else []
            start = i + 1
            if below and not any(re.match(r"^\d+$", x) for x in below[:1]) and any(below):
                # Two header rows: the lower labels fill the blanks and replace merged tops.
                labels = [b if b else a for a, b in zip(labels, below)]
                start = i + 2
            body = grid.iloc[start:].copy()
            body.columns = [lab or f"_{k}" for k, lab in enumerate(labels)]
            return body
    return None


def label(columns, *names):
    for c in columns:
        if any(n in c for n in names):
            return c
    return None


def ledger(path):
    t = read_table(path, "项目编号")
    # The ledger's header is two rows: 投资情况 over 总投资/年度计划投资.
    t = t.rename(columns={"总投资": "total", "年度计划投资": "annual_plan"})
    t = t[t["项目编号"].map(lambda x: "-" in norm(x))]
    out = pd.DataFrame(
        {
            "id": t["项目编号"].map(norm),
            "name": t["项目名称"].map(norm),
            "unit": t["责任单位"].map(norm),
            "annual_plan": t["annual_plan"].map(number),
            "signed": t["签约日期"].map(date),
            "planned_start": t["计划开工日期"].map(date),
            "planned_done": t["计划竣工日期"].map(date),
        }
    )
    return out.reset_index(drop=True)


def procedures(path):
    t = read_table(path, "手续名称")
    t = t[t["项目编号"].map(lambda x: "-" in norm(x))]
    return pd.DataFrame(
        {
            "id": t["项目编号"].map(norm),
            "assigned": t["交办日期"].map(date),
            "limit": t[label(t.columns, "办理时限")].map(number),
            "finished": t["办结日期"].map(date),
        }
    )


def monthly(path):
    t = read_table(path, "项目名称")
    if t is None:
        return None
    cols = list(t.columns)
    cum = label(cols, "累计完成")
    started = label(cols, "是否开工")
    start_day = label(cols, "实际开工日期")
    done = label(cols, "是否竣工")
    names = t["项目名称"].map(norm)
    keep = (names != "") & ~names.str.startswith("共") & ~t[cols[0]].map(norm).isin(["合计"])
    keep &= ~t[cols[0]].map(norm).str.startswith("备注")
    t = t[keep]
    return pd.DataFrame(
        {
            "id": t["项目编号"].map(norm) if "项目编号" in cols else "",
            "name": t["项目名称"].map(norm),
            "cum_invest": t[cum].map(number),
            "started": t[started].map(lambda x: norm(x) in ("是", "√", "已开工")),
            "start_date": t[start_day].map(date),
            "completed": t[done].map(lambda x: norm(x) in ("是", "√")),
            "unit_file": path.stem,
        }
    )


def main():
    month_dir = Path(sys.argv[1])
    out = Path(sys.argv[2])
    as_of = pd.Timestamp(sys.argv[3] if len(sys.argv) > 3 else "2026-10-26")
    month = as_of.month
    led = ledger(next(month_dir.glob("*台账*.xlsx")))
    procs = procedures(next(month_dir.glob("*前期手续*.xlsx")))
    signed = read_table(next(month_dir.glob("*签约*.xlsx")), "项目名称")
    reports = [monthly(p) for p in sorted((month_dir / "月报").iterdir())]
    rep = pd.concat([r for r in reports if r is not None], ignore_index=True)

    # Join the reports to the ledger: by number, else by name.
    by_id = rep[rep["id"] != ""].merge(led[["id"]], on="id")
    by_name = rep[rep["id"] == ""].drop(columns="id").merge(led[["id", "name"]], on="name")
    joined = pd.concat([by_id, by_name], ignore_index=True).drop_duplicates("id")
    df = led.merge(joined.drop(columns=["name"]), on="id", how="left")
    df["cum_invest"] = df["cum_invest"].fillna(0.0)

    # Procedures on time: finished (or today) within the limit in working days.
    end = procs["finished"].fillna(as_of)
    used = np.busday_count(
        procs["assigned"].values.astype("datetime64[D]"), end.values.astype("datetime64[D]")
    )
    procs = procs.assign(ok=used <= procs["limit"].fillna(0).values)
    share = procs.groupby("id")["ok"].agg(["sum", "count"])
    df = df.merge(share, left_on="id", right_index=True, how="left")
    df["share"] = (df["sum"] / df["count"]).fillna(1.0)

    plan = df["annual_plan"].replace(0, np.nan)
    invest = (50 * np.minimum((df["cum_invest"] / plan) / (month / 12), 1)).fillna(0)
    start_met = df["started"].fillna(False) & (df["start_date"] <= df["planned_start"])
    start_late = df["started"].fillna(False) & ~start_met
    not_due = ~df["started"].fillna(False) & (df["planned_start"] >= as_of)
    start = np.where(start_met | not_due, 20, np.where(start_late, 10, 0))
    completion = np.where(
        df["completed"].fillna(False) | df["planned_done"].isna() | (as_of <= df["planned_done"]),
        10,
        0,
    )
    reporting = np.where(df["unit_file"].notna(), 10, 0)
    df["score"] = invest + start + completion + 10 * df["share"] + reporting

    units = df.groupby("unit")["score"].mean().round(2).reset_index()
    units["rank"] = units["score"].rank(ascending=False, method="min").astype(int)
    units = units.sort_values(["rank", "unit"])
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        units.to_excel(xw, sheet_name="单位排名", index=False)
        df[["id", "name", "unit", "score"]].to_excel(xw, sheet_name="项目得分", index=False)
    print(
        f"{len(reports)} 份月报，{len(df)} 个项目，{len(units)} 个单位，签约 {len(signed)} 行",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
