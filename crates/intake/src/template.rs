//! The import template: one header row, plus a description of every column (a second sheet in
//! XLSX, a second file `NAME.columns.csv` beside a CSV).

use crate::{Error, Result};
use std::path::{Path, PathBuf};
use tousu_core::columns::COLUMNS;

/// Header language of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

const DESC_HEADER: [&str; 8] =
    ["列名", "column", "key", "必填 required", "类型 type", "说明", "description", "示例 example"];

fn desc_rows() -> Vec<[String; 8]> {
    COLUMNS
        .iter()
        .map(|c| {
            let (en_t, zh_t) = c.kind.describe();
            [
                c.zh.to_string(),
                c.key.to_string(),
                c.key.to_string(),
                if c.required { "是 yes" } else { "否 no" }.to_string(),
                format!("{zh_t} / {en_t}"),
                c.zh_help.to_string(),
                c.en_help.to_string(),
                c.example.to_string(),
            ]
        })
        .collect()
}

fn headers(lang: Lang) -> Vec<&'static str> {
    COLUMNS.iter().map(|c| if lang == Lang::Zh { c.zh } else { c.key }).collect()
}

/// Write the template to `out` (`.xlsx` or `.csv`). Returns the files written.
pub fn write_template(out: &Path, lang: Lang) -> Result<Vec<PathBuf>> {
    let name = out.display().to_string();
    let is_xlsx = out.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let ws = wb.add_worksheet();
        ws.set_name(if lang == Lang::Zh { "投诉" } else { "complaints" }).map_err(|e| Error::file(&name, e))?;
        for (i, h) in headers(lang).iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(|e| Error::file(&name, e))?;
            ws.set_column_width(i as u16, 16).map_err(|e| Error::file(&name, e))?;
        }
        let ws2 = wb.add_worksheet();
        ws2.set_name(if lang == Lang::Zh { "说明" } else { "columns" }).map_err(|e| Error::file(&name, e))?;
        for (i, h) in DESC_HEADER.iter().enumerate() {
            ws2.write_string_with_format(0, i as u16, *h, &bold).map_err(|e| Error::file(&name, e))?;
        }
        for (r, row) in desc_rows().iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                ws2.write_string((r + 1) as u32, i as u16, v).map_err(|e| Error::file(&name, e))?;
            }
        }
        wb.save(out).map_err(|e| Error::file(&name, e))?;
        Ok(vec![out.to_path_buf()])
    } else {
        let write_csv = |path: &Path, rows: Vec<Vec<String>>| -> Result<()> {
            let mut bytes = vec![0xEF, 0xBB, 0xBF];
            {
                let mut w = csv::Writer::from_writer(&mut bytes);
                for r in rows {
                    w.write_record(&r).map_err(|e| Error::file(&path.display().to_string(), e))?;
                }
                w.flush().map_err(|e| Error::file(&path.display().to_string(), e))?;
            }
            std::fs::write(path, bytes).map_err(|e| Error::file(&path.display().to_string(), e))
        };
        write_csv(out, vec![headers(lang).iter().map(|s| s.to_string()).collect()])?;
        let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("template");
        let desc = out.with_file_name(format!("{stem}.columns.csv"));
        let mut rows = vec![DESC_HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        rows.extend(desc_rows().into_iter().map(|r| r.to_vec()));
        write_csv(&desc, rows)?;
        Ok(vec![out.to_path_buf(), desc])
    }
}
