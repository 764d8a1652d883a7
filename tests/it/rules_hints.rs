//! Every kind of rules error the mutation campaign of the shipped rules reached without a hint
//! now has one: a value changed to a name that is not there, a number out of its range, a key
//! deleted. (The campaign: each value of each rules file changed in turn, `rules check` run.)

use crate::rules_slips::refused;

#[test]
fn each_kind_of_rules_error_has_a_hint() {
    for (file, from, to, said) in [
        (
            "calendar/2026.toml",
            "year = 2026",
            "year = 99999999999",
            "整数 99999999999 超出",
        ),
        (
            "deadlines.toml",
            "applies = \"project_type == '重大招商项目'\"",
            "applies = \"zzz\"",
            "条件中的字段 zzz 未定义",
        ),
        (
            "deadlines.toml",
            "table = \"monthly\"",
            "table = \"zzz\"",
            "没有表 zzz",
        ),
        (
            "evaluate.toml",
            "table = \"post_eval\"",
            "table = \"zzz\"",
            "没有表格 zzz",
        ),
        (
            "evaluate.toml",
            "id_field = \"project_id\"",
            "id_field = \"zzz\"",
            "zzz 不是 post_eval 表的字段",
        ),
        (
            "evaluate.toml",
            "class = \"D\"",
            "class = \"zzz\"",
            "的 class “zzz”应为 A、B、C、D 之一",
        ),
        (
            "lights.toml",
            "invest_behind = 30",
            "invest_behind = -30",
            "invest_behind 应在 0 到 100",
        ),
        (
            "lights.toml",
            "signed_table = \"signed\"",
            "signed_table = \"zzz\"",
            "表 zzz 不存在",
        ),
        (
            "lights.toml",
            "signed_name = \"project_name\"",
            "signed_name = \"zzz\"",
            "表 signed 没有字段 zzz",
        ),
        (
            "notices.toml",
            "penalty = \"tv_statement\"",
            "penalty = \"zzz\"",
            "scoring.toml 中没有处理 zzz",
        ),
        (
            "report_up/市重点项目月报表.toml",
            "first_data_row = 5",
            "first_data_row = 0",
            "数据起始行须在 2 到",
        ),
        (
            "report_up/市重点项目月报表.toml",
            "field = \"seq\"",
            "",
            "每列须写 field、expr、blank = true 三者之一",
        ),
        (
            "scoring.toml",
            "bottom_n = 3",
            "bottom_n = 0",
            "bottom_n 至少为 1",
        ),
        (
            "scoring.toml",
            "as_of_day = 25",
            "as_of_day = 0",
            "as_of_day 应为 1 到 31 之间的日",
        ),
        (
            "scoring.toml",
            "condition = \"bottom or score < 60\"",
            "condition = \"zzz\"",
            "条件中的字段 zzz 未定义",
        ),
        (
            "screening.toml",
            "fail = \"不通过\"",
            "fail = \"zzz\"",
            "的 outcome 应为“zzz”或“待核实”",
        ),
        (
            "screening.toml",
            "formula = \"fixed_invest / land_mu\"",
            "formula = \"zzz\"",
            "派生值 investment_intensity: 条件中的字段 zzz 未定义",
        ),
        (
            "serve.toml",
            "max_files = 300",
            "max_files = 0",
            "max_files 必须大于 0",
        ),
        (
            "notices.toml",
            "task = \"task_id\"",
            "task = \"task_ix\"",
            "表格 feedback 中没有字段 task_ix",
        ),
        (
            "tables/feedback.toml",
            "min = \"2000-01-01\"",
            "min = \"zzz\"",
            "的 min 应为日期",
        ),
        (
            "tables/leads.toml",
            "unique = \"name\"",
            "unique = \"zzz\"",
            "unique 指定的字段 zzz 未在本表定义",
        ),
        (
            "tables/leads.toml",
            "min = 0",
            "min = \"x\"",
            "字段 total_invest 的 min 应为有限的数字",
        ),
        (
            "tables/ledger.toml",
            "field = \"annual_plan\"",
            "field = \"zzz\"",
            "的 field zzz 未在本表定义",
        ),
        (
            "tables/monthly.toml",
            "match = { table = \"ledger\", by = [\"project_id\", \"project_name\"], unit = \"responsible_unit\" }",
            "",
            "expect_units_from 需要同时设置 match",
        ),
        (
            "tables/procedures.toml",
            "id = \"department\"",
            "id = \"zzz\"",
            "[wide] 中的字段 department 未在本表定义",
        ),
        (
            "weekly.toml",
            "min_weeks_open = 4",
            "min_weeks_open = -4",
            "min_weeks_open 不能为负数",
        ),
    ] {
        let err = refused((file, from, to));
        assert!(err.contains(said), "{to}: {err}");
    }
}

#[test]
fn a_misspelt_name_in_a_condition_is_told_the_closest_and_a_text_its_quotes() {
    insta::assert_snapshot!(refused((
        "deadlines.toml",
        "applies = \"project_type == '重大招商项目'\"",
        "applies = \"project_typ == '重大招商项目'\"",
    )));
    let err = refused((
        "screening.toml",
        "fails_when = \"env_risk == '高'\"",
        "fails_when = \"env_risk == 高\"",
    ));
    assert!(err.contains("文本加半角单引号"), "{err}");
    insta::assert_snapshot!(refused((
        "tables/feedback.toml",
        "min = \"2000-01-01\"",
        "min = \"2000/01/01\"",
    )));
}
