//! Calendar values of the weekly summary (SPEC §8): the ISO week a report
//! covers, and `weekly_at`, the local day and time it is owed. Pure values
//! over jiff; the summary schedule, the report route and the config all
//! read them, and they import nothing else of the crate.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, ISOWeekDate, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// An ISO 8601 week (Monday to Sunday), written `2026-W48`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek(ISOWeekDate);

/// `--week` or a report path is not an ISO week.
#[derive(Debug, thiserror::Error)]
#[error("{given:?} is not an ISO week such as 2026-W48: {reason}")]
pub struct WeekError {
    given: String,
    reason: String,
}

impl IsoWeek {
    /// The week `ts` falls in, in `tz`.
    pub fn containing(ts: Timestamp, tz: &TimeZone) -> IsoWeek {
        IsoWeek::of_date(ts.to_zoned(tz.clone()).date())
    }

    fn of_date(date: Date) -> IsoWeek {
        let w = date.iso_week_date();
        IsoWeek(ISOWeekDate::new(w.year(), w.week(), Weekday::Monday).expect("a real week"))
    }

    /// The last week that has ended by `now`, in `tz`.
    pub fn last_complete(now: Timestamp, tz: &TimeZone) -> IsoWeek {
        IsoWeek::containing(now, tz).previous()
    }

    /// The week before.
    pub fn previous(self) -> IsoWeek {
        IsoWeek::of_date(self.monday().checked_sub(7.days()).expect("in range"))
    }

    /// The week after.
    pub fn next(self) -> IsoWeek {
        IsoWeek::of_date(self.monday().checked_add(7.days()).expect("in range"))
    }

    /// Its Monday.
    pub fn monday(self) -> Date {
        self.0.date()
    }

    /// The date of `weekday` in this week.
    pub fn day(self, weekday: Weekday) -> Date {
        ISOWeekDate::new(self.0.year(), self.0.week(), weekday)
            .expect("every week has seven days")
            .date()
    }

    /// Its seven dates, Monday first.
    pub fn dates(self) -> [Date; 7] {
        let monday = self.monday();
        std::array::from_fn(|i| monday.checked_add((i as i64).days()).expect("in range"))
    }

    /// `[Monday 00:00, next Monday 00:00)` in `tz`, as Unix milliseconds.
    pub fn bounds(self, tz: &TimeZone) -> (i64, i64) {
        let start = |d: Date| {
            d.to_zoned(tz.clone())
                .expect("a day starts in every zone")
                .timestamp()
                .as_millisecond()
        };
        let monday = self.monday();
        (
            start(monday),
            start(monday.checked_add(7.days()).expect("in range")),
        )
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.0.year(), self.0.week())
    }
}

impl FromStr for IsoWeek {
    type Err = WeekError;

    fn from_str(s: &str) -> Result<IsoWeek, WeekError> {
        let err = |reason: &str| WeekError {
            given: s.to_string(),
            reason: reason.to_string(),
        };
        let (year, week) = s.split_once("-W").ok_or_else(|| err("expected YYYY-Www"))?;
        if year.len() != 4 || week.len() != 2 {
            return Err(err("expected four digits, -W, two digits"));
        }
        let year: i16 = year.parse().map_err(|_| err("the year is not a number"))?;
        let week: i8 = week.parse().map_err(|_| err("the week is not a number"))?;
        ISOWeekDate::new(year, week, Weekday::Monday)
            .map(IsoWeek)
            .map_err(|_| err("that year has no such week"))
    }
}

/// `weekly_at`, e.g. `Mon 09:00`; read from the config as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct WeeklyAt {
    /// Day of the week.
    pub weekday: Weekday,
    /// Local time of day.
    pub time: Time,
}

/// A `weekly_at` value that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{given:?} is not a day and time such as \"Mon 09:00\"")]
pub struct WeeklyAtError {
    given: String,
}

impl FromStr for WeeklyAt {
    type Err = WeeklyAtError;

    fn from_str(s: &str) -> Result<WeeklyAt, WeeklyAtError> {
        let err = || WeeklyAtError {
            given: s.to_string(),
        };
        let (day, time) = s.trim().split_once(' ').ok_or_else(err)?;
        let weekday = match day.to_ascii_lowercase().as_str() {
            "mon" => Weekday::Monday,
            "tue" => Weekday::Tuesday,
            "wed" => Weekday::Wednesday,
            "thu" => Weekday::Thursday,
            "fri" => Weekday::Friday,
            "sat" => Weekday::Saturday,
            "sun" => Weekday::Sunday,
            _ => return Err(err()),
        };
        let (h, m) = time.trim().split_once(':').ok_or_else(err)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(err());
        }
        let time = Time::new(
            h.parse().map_err(|_| err())?,
            m.parse().map_err(|_| err())?,
            0,
            0,
        )
        .map_err(|_| err())?;
        Ok(WeeklyAt { weekday, time })
    }
}

impl TryFrom<String> for WeeklyAt {
    type Error = WeeklyAtError;

    fn try_from(s: String) -> Result<WeeklyAt, WeeklyAtError> {
        s.parse()
    }
}

impl fmt::Display for WeeklyAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = match self.weekday {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        };
        write!(f, "{day} {:02}:{:02}", self.time.hour(), self.time.minute())
    }
}

impl WeeklyAt {
    /// The send time that falls in `week`.
    fn in_week(&self, week: IsoWeek, tz: &TimeZone) -> Timestamp {
        week.day(self.weekday)
            .to_datetime(self.time)
            .to_zoned(tz.clone())
            .expect("a local time maps to an instant")
            .timestamp()
    }

    /// The latest send time at or before `now`, with the week it reports:
    /// the last week complete before the week the send time falls in.
    pub fn latest(&self, now: Timestamp, tz: &TimeZone) -> (Timestamp, IsoWeek) {
        let week = IsoWeek::containing(now, tz);
        let this = self.in_week(week, tz);
        if this <= now {
            (this, week.previous())
        } else {
            let before = week.previous();
            (self.in_week(before, tz), before.previous())
        }
    }

    /// The first send time after `now`.
    pub fn next(&self, now: Timestamp, tz: &TimeZone) -> Timestamp {
        let (latest, _) = self.latest(now, tz);
        self.in_week(IsoWeek::containing(latest, tz).next(), tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taipei() -> TimeZone {
        TimeZone::get("Asia/Taipei").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse::<jiff::Zoned>().unwrap().timestamp()
    }

    #[test]
    fn weeks_parse_print_and_reject_what_is_not_a_week() {
        let w: IsoWeek = "2026-W48".parse().unwrap();
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(w.monday().to_string(), "2026-11-23");
        assert_eq!(w.previous().to_string(), "2026-W47");
        // 2020 had 53 weeks, 2021 had 52.
        assert!("2020-W53".parse::<IsoWeek>().is_ok());
        for bad in ["2021-W53", "2026-48", "26-W01", "2026-W1", "2026-Wxx", ""] {
            assert!(bad.parse::<IsoWeek>().is_err(), "{bad}");
        }
        assert_eq!(
            "2026-W01"
                .parse::<IsoWeek>()
                .unwrap()
                .previous()
                .to_string(),
            "2025-W52"
        );
    }

    #[test]
    fn a_week_runs_from_monday_midnight_in_taipei() {
        let tz = taipei();
        let w: IsoWeek = "2026-W48".parse().unwrap();
        let (start, end) = w.bounds(&tz);
        assert_eq!(start, at("2026-11-23T00:00[Asia/Taipei]").as_millisecond());
        assert_eq!(end - start, 7 * 24 * 3600 * 1000);
        // Sunday 23:59 in Taipei is still the week; that is Sunday 15:59 UTC.
        assert_eq!(
            IsoWeek::containing(at("2026-11-29T23:59[Asia/Taipei]"), &tz),
            w
        );
        assert_eq!(
            IsoWeek::containing(at("2026-11-29T16:00Z[UTC]"), &tz).to_string(),
            "2026-W49"
        );
        assert_eq!(
            IsoWeek::last_complete(at("2026-11-30T00:01[Asia/Taipei]"), &tz),
            w
        );
    }

    #[test]
    fn weekly_at_reads_a_day_and_a_time_and_rejects_the_rest() {
        let w: WeeklyAt = "Mon 09:00".parse().unwrap();
        assert_eq!(w.weekday, Weekday::Monday);
        assert_eq!(w.to_string(), "Mon 09:00");
        assert_eq!(
            "sun 23:30".parse::<WeeklyAt>().unwrap().to_string(),
            "Sun 23:30"
        );
        for bad in [
            "Monday 09:00",
            "Mon 9:00",
            "Mon 24:00",
            "Mon",
            "09:00",
            "Mon 09:60",
        ] {
            assert!(bad.parse::<WeeklyAt>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_summary_is_due_at_monday_nine_in_taipei_and_not_before() {
        let tz = TimeZone::get("Asia/Taipei").unwrap();
        let w: WeeklyAt = "Mon 09:00".parse().unwrap();
        let (t, week) = w.latest(at("2026-11-30T09:00[Asia/Taipei]"), &tz);
        assert_eq!(
            (t, week.to_string()),
            (at("2026-11-30T09:00[Asia/Taipei]"), "2026-W48".into())
        );
        let (t, week) = w.latest(at("2026-11-30T08:59:59[Asia/Taipei]"), &tz);
        assert_eq!(
            (t, week.to_string()),
            (at("2026-11-23T09:00[Asia/Taipei]"), "2026-W47".into())
        );
        assert_eq!(
            w.next(at("2026-11-30T08:59[Asia/Taipei]"), &tz),
            at("2026-11-30T09:00[Asia/Taipei]")
        );
        assert_eq!(
            w.next(at("2026-11-30T09:00[Asia/Taipei]"), &tz),
            at("2026-12-07T09:00[Asia/Taipei]")
        );
    }
}
