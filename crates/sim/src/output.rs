//! Files for `--out DIR`: CSV time series (plain text) and, with the `plots` feature, SVG
//! plots drawn with plotters' SVG backend (no system fonts or libraries: text is laid out with
//! plotters' built-in estimate and rendered by the SVG viewer).
//!
//! | file | columns |
//! |---|---|
//! | `tips.csv` | `time,view_tips,global_tips` (every `stride`-th arrival, warm-up included) |
//! | `cw_growth.csv` | `age,mean_weight` (mean cumulative weight of the sampled transactions) |
//! | `approval_time.csv` | `from,to,count` (first-approval waits; the last row, `to = inf`, counts later or never) |
//! | `approvers.csv` | `approvers,share` (the `approvers_histogram`) |
//! | `tips.svg`, `cw_growth.svg`, `approval_time.svg` | plots of the first three |

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::metrics::{CwGrowth, Series, TipPoint};
use crate::report::SimReport;

/// Why output files could not be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The report carries no series (the run had [`MetricsConfig::series`](crate::MetricsConfig::series) off).
    #[error("output rule: the report has no series (enable MetricsConfig::series)")]
    NoSeries,
    /// A file could not be written.
    #[error("could not write {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// plotters failed to draw a plot.
    #[error("could not draw {file}: {reason}")]
    Plot {
        /// The file.
        file: String,
        /// plotters' message.
        reason: String,
    },
}

/// `time,view_tips,global_tips`.
pub fn tips_csv(points: &[TipPoint]) -> String {
    let mut s = String::from("time,view_tips,global_tips\n");
    for p in points {
        let _ = writeln!(s, "{},{},{}", p.time, p.view_tips, p.global_tips);
    }
    s
}

/// `age,mean_weight`.
pub fn cw_growth_csv(growth: &CwGrowth) -> String {
    let mut s = String::from("age,mean_weight\n");
    for (a, w) in growth.ages.iter().zip(&growth.mean_weight) {
        let _ = writeln!(s, "{a},{w}");
    }
    s
}

/// `from,to,count`; the last row (`to = inf`) counts waits beyond the horizon and no approval.
pub fn approval_time_csv(series: &Series) -> String {
    let mut s = String::from("from,to,count\n");
    let w = series.approval_bin_width;
    let bins = series.approval_time_counts.len();
    for (b, c) in series.approval_time_counts.iter().enumerate() {
        let from = b as f64 * w;
        if b + 1 == bins {
            let _ = writeln!(s, "{from},inf,{c}");
        } else {
            let _ = writeln!(s, "{from},{},{c}", (b + 1) as f64 * w);
        }
    }
    s
}

/// `approvers,share`.
pub fn approvers_csv(histogram: &[f64]) -> String {
    let mut s = String::from("approvers,share\n");
    for (n, share) in histogram.iter().enumerate() {
        let _ = writeln!(s, "{n},{share}");
    }
    s
}

fn write(dir: &Path, name: &str, text: &str, out: &mut Vec<PathBuf>) -> Result<(), OutputError> {
    let file = dir.join(name);
    std::fs::write(&file, text).map_err(|source| OutputError::Io {
        file: file.display().to_string(),
        source,
    })?;
    out.push(file);
    Ok(())
}

fn create_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        file: dir.display().to_string(),
        source,
    })
}

/// Writes the four CSV files of a report (run with series on) into `dir` (created if
/// missing); returns their paths.
pub fn write_csv(dir: &Path, report: &SimReport) -> Result<Vec<PathBuf>, OutputError> {
    let series = report.series.as_ref().ok_or(OutputError::NoSeries)?;
    create_dir(dir)?;
    let mut out = Vec::new();
    write(dir, "tips.csv", &tips_csv(&series.tips), &mut out)?;
    write(
        dir,
        "cw_growth.csv",
        &cw_growth_csv(&report.cumulative_weight_growth),
        &mut out,
    )?;
    write(
        dir,
        "approval_time.csv",
        &approval_time_csv(series),
        &mut out,
    )?;
    write(
        dir,
        "approvers.csv",
        &approvers_csv(&report.approvers_histogram),
        &mut out,
    )?;
    Ok(out)
}

/// Writes `tips.csv` (and, with the `plots` feature, `tips.svg`) of a scenario run.
pub fn write_tips(dir: &Path, tips: &[TipPoint]) -> Result<Vec<PathBuf>, OutputError> {
    create_dir(dir)?;
    let mut out = Vec::new();
    write(dir, "tips.csv", &tips_csv(tips), &mut out)?;
    #[cfg(feature = "plots")]
    write(dir, "tips.svg", &plots::tips_svg(tips)?, &mut out)?;
    Ok(out)
}

#[cfg(feature = "plots")]
pub use plots::{approval_time_svg, cw_growth_svg, tips_svg, write_plots};

#[cfg(feature = "plots")]
mod plots {
    use super::*;
    use plotters::prelude::*;

    const SIZE: (u32, u32) = (800, 500);

    /// One line of a plot: legend, colour, points.
    type Line<'a> = (&'a str, RGBColor, Vec<(f64, f64)>);

    fn plot_error(file: &str) -> impl Fn(String) -> OutputError + '_ {
        move |reason| OutputError::Plot {
            file: file.to_owned(),
            reason,
        }
    }

    /// Upper end of an axis: the largest value plus 5 % (at least 1).
    fn top(values: impl Iterator<Item = f64>) -> f64 {
        let m = values.filter(|v| v.is_finite()).fold(0.0f64, f64::max);
        (m * 1.05).max(1.0)
    }

    /// Line plot of `series` (name, colour, points) into an SVG string.
    fn lines(
        file: &str,
        caption: &str,
        (x_label, y_label): (&str, &str),
        series: &[Line<'_>],
        legend: SeriesLabelPosition,
    ) -> Result<String, OutputError> {
        let err = plot_error(file);
        let x0 = series
            .iter()
            .flat_map(|s| s.2.iter().map(|p| p.0))
            .fold(f64::INFINITY, f64::min);
        let x0 = if x0.is_finite() { x0 } else { 0.0 };
        let x1 = top(series.iter().flat_map(|s| s.2.iter().map(|p| p.0))).max(x0 + 1.0);
        let y1 = top(series.iter().flat_map(|s| s.2.iter().map(|p| p.1)));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
            let mut chart = ChartBuilder::on(&root)
                .caption(caption, ("sans-serif", 22))
                .margin(15)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(x0..x1, 0.0..y1)
                .map_err(|e| err(e.to_string()))?;
            chart
                .configure_mesh()
                .x_desc(x_label)
                .y_desc(y_label)
                .draw()
                .map_err(|e| err(e.to_string()))?;
            for (name, colour, points) in series {
                let colour = *colour;
                chart
                    .draw_series(LineSeries::new(points.iter().copied(), colour))
                    .map_err(|e| err(e.to_string()))?
                    .label(*name)
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour));
            }
            chart
                .configure_series_labels()
                .position(legend)
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(|e| err(e.to_string()))?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        Ok(svg)
    }

    /// Tips over time: the view's and the global count.
    pub fn tips_svg(points: &[TipPoint]) -> Result<String, OutputError> {
        lines(
            "tips.svg",
            "Tips over time",
            ("time", "tips"),
            &[
                (
                    "tips in the view of an arrival",
                    BLUE,
                    points
                        .iter()
                        .map(|p| (p.time, p.view_tips as f64))
                        .collect(),
                ),
                (
                    "global tips",
                    RED,
                    points
                        .iter()
                        .map(|p| (p.time, p.global_tips as f64))
                        .collect(),
                ),
            ],
            SeriesLabelPosition::LowerRight,
        )
    }

    /// Mean cumulative weight against age, with the fitted linear phase.
    pub fn cw_growth_svg(growth: &CwGrowth) -> Result<String, OutputError> {
        let curve: Vec<(f64, f64)> = growth
            .ages
            .iter()
            .copied()
            .zip(growth.mean_weight.iter().copied())
            .collect();
        let mut series = vec![("mean cumulative weight", BLUE, curve)];
        if let (Some(slope), Some(&last)) = (growth.slope, growth.mean_weight.last()) {
            // The fitted line through the curve's end, over the fit window [A/2, A].
            let a = growth.horizon;
            series.push((
                "linear phase (fitted slope)",
                RED,
                vec![(a / 2.0, last - slope * a / 2.0), (a, last)],
            ));
        }
        lines(
            "cw_growth.svg",
            "Cumulative-weight growth",
            ("time since issue", "cumulative weight"),
            &series,
            SeriesLabelPosition::UpperLeft,
        )
    }

    /// Histogram of the first-approval waits (the last bar: later or never).
    pub fn approval_time_svg(series: &Series) -> Result<String, OutputError> {
        let file = "approval_time.svg";
        let err = plot_error(file);
        let counts = &series.approval_time_counts;
        let w = series.approval_bin_width;
        let x1 = (counts.len() as f64 * w).max(f64::MIN_POSITIVE);
        let y1 = top(counts.iter().map(|&c| c as f64));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
            let mut chart = ChartBuilder::on(&root)
                .caption(
                    "Time to first approval (last bar: later or never)",
                    ("sans-serif", 22),
                )
                .margin(15)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..x1, 0.0..y1)
                .map_err(|e| err(e.to_string()))?;
            chart
                .configure_mesh()
                .x_desc("wait")
                .y_desc("transactions")
                .draw()
                .map_err(|e| err(e.to_string()))?;
            chart
                .draw_series(counts.iter().enumerate().map(|(b, &c)| {
                    let x = b as f64 * w;
                    let colour = if b + 1 == counts.len() { RED } else { BLUE };
                    Rectangle::new([(x, 0.0), (x + w, c as f64)], colour.filled())
                }))
                .map_err(|e| err(e.to_string()))?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        Ok(svg)
    }

    /// Writes the three SVG plots of a report (run with series on) into `dir`.
    pub fn write_plots(dir: &Path, report: &SimReport) -> Result<Vec<PathBuf>, OutputError> {
        let series = report.series.as_ref().ok_or(OutputError::NoSeries)?;
        create_dir(dir)?;
        let mut out = Vec::new();
        write(dir, "tips.svg", &tips_svg(&series.tips)?, &mut out)?;
        write(
            dir,
            "cw_growth.svg",
            &cw_growth_svg(&report.cumulative_weight_growth)?,
            &mut out,
        )?;
        write(
            dir,
            "approval_time.svg",
            &approval_time_svg(series)?,
            &mut out,
        )?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_match_the_data() {
        let tips = [
            TipPoint {
                time: 0.5,
                view_tips: 3,
                global_tips: 4,
            },
            TipPoint {
                time: 1.0,
                view_tips: 5,
                global_tips: 6,
            },
        ];
        assert_eq!(
            tips_csv(&tips),
            "time,view_tips,global_tips\n0.5,3,4\n1,5,6\n"
        );
        let series = Series {
            tips: Vec::new(),
            approval_bin_width: 0.5,
            approval_time_counts: vec![2, 0, 1],
        };
        assert_eq!(
            approval_time_csv(&series),
            "from,to,count\n0,0.5,2\n0.5,1,0\n1,inf,1\n"
        );
        assert_eq!(
            approvers_csv(&[0.25, 0.75]),
            "approvers,share\n0,0.25\n1,0.75\n"
        );
    }

    #[cfg(feature = "plots")]
    #[test]
    fn plots_are_svg_documents() {
        let tips: Vec<TipPoint> = (0..50)
            .map(|i| TipPoint {
                time: f64::from(i),
                view_tips: 10 + (i % 3) as u64,
                global_tips: 11,
            })
            .collect();
        let svg = tips_svg(&tips).expect("drawn");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("Tips over time"));
        // An empty series still draws axes.
        assert!(tips_svg(&[]).expect("drawn").starts_with("<svg"));
    }
}
