//! Colours: the Okabe–Ito palette (readable with the common colour-vision deficiencies) on a
//! light or a dark background.

use plotters::style::RGBColor;

use crate::analysis::Verdict;

/// Okabe–Ito, in the order series families receive them (black is the text colour and yellow is
/// unreadable on white, so both are left out).
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
];

/// The colours of one theme.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub fg: RGBColor,
    pub muted: RGBColor,
    pub bg: RGBColor,
    pub grid: RGBColor,
}

impl Theme {
    pub fn new(dark: bool) -> Theme {
        if dark {
            Theme {
                fg: RGBColor(230, 230, 230),
                muted: RGBColor(160, 160, 170),
                bg: RGBColor(24, 24, 27),
                grid: RGBColor(60, 60, 66),
            }
        } else {
            Theme {
                fg: RGBColor(30, 30, 30),
                muted: RGBColor(90, 90, 102),
                bg: RGBColor(255, 255, 255),
                grid: RGBColor(225, 225, 230),
            }
        }
    }

    /// `color` moved `amount` (0–1) of the way towards white: the lighter shade of a family, which
    /// reads as "the same, but secondary" on a light and on a dark background alike.
    pub fn tint(&self, color: RGBColor, amount: f64) -> RGBColor {
        let mix = |a: u8| (a as f64 + (255.0 - a as f64) * amount).round() as u8;
        RGBColor(mix(color.0), mix(color.1), mix(color.2))
    }
}

/// The colour a verdict is shown in, on the canvas and (as the same values in `www/style.css`,
/// which a test holds to these) on the page.
pub fn verdict_color(v: Verdict) -> RGBColor {
    match v {
        Verdict::Improving => RGBColor(0, 158, 115),
        Verdict::Plateau => RGBColor(0, 114, 178),
        Verdict::Overfitting => RGBColor(230, 159, 0),
        Verdict::Diverging => RGBColor(213, 94, 0),
        Verdict::Insufficient => RGBColor(120, 120, 120),
    }
}

/// `#rrggbb`, for the page's HTML legend.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
