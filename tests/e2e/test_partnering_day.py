"""In a real browser: staff set up Rising Tide Fund's partnering day, both sides answer, staff generate,
move one meeting and publish; the founder downloads the ICS, the fund reads its agenda in English, and
after the day both mark the meeting held, which advances the introduction."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Introduction, IntroState, Match, Organisation
from matchmaker.organisations.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.e2e
ACCOUNTS = {a.role.value: a for a in DEMO_ACCOUNTS}
INVITED = ("voltcell-battery", "chargenest", "roadpulse")


@pytest.fixture(scope="module")
def fund_matches(live_app):
    """Rising Tide Fund's matches with three startups, whether or not seeding computed matches."""
    with live_app.app_context():
        ids = {o.slug: o.id for o in db.session.scalars(select(Organisation))}
        fund = ids["rising-tide-fund"]
        for slug, score in zip(INVITED, (0.86, 0.74, 0.61), strict=True):
            exists = db.session.scalar(
                select(Match).where(Match.startup_id == ids[slug], Match.counterpart_id == fund)
            )
            if exists is None:
                db.session.add(
                    Match(
                        startup_id=ids[slug],
                        counterpart_id=fund,
                        score=score,
                        model_version="e2e",
                        explanation={},
                    )
                )
            else:
                exists.score = max(exists.score, score)
        db.session.commit()
        db.session.remove()
    return ids


def _person(browser, live_server, role, locale="en-US"):
    context = browser.new_context(locale=locale, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    account = ACCOUNTS[role]
    page.goto(f"{live_server}/login")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/dashboard")
    return context, page


def _answer(page, live_server, day_url_part, choose_row_text, choice):
    page.goto(f"{live_server}/partnering/")
    page.locator("#partnering-days li", has_text="Rising Tide").locator(
        f"a[href$='{day_url_part}/me']"
    ).click()
    row = page.locator("#preferences tr", has_text=choose_row_text)
    row.locator(f"input[value={choice}]").check()
    return page


def test_a_partnering_day_from_set_up_to_follow_up(
    live_server, live_app, browser, fund_matches, tmp_path: Path
):
    staff_context, staff = _person(browser, live_server, "staff")
    founder_context, founder = _person(browser, live_server, "founder")
    fund_context, fund = _person(browser, live_server, "investor")
    try:
        # 1. Staff create the day for Rising Tide Fund and invite startups from its matches.
        staff.goto(f"{live_server}/partnering/")
        staff.fill("#name_en", "Rising Tide Fund in Gwangju")
        staff.fill("#name_ko", "라이징 타이드 펀드 광주 방문")
        staff.fill("#dates", "2027-05-13")
        staff.fill("#starts", "09:00")
        staff.fill("#ends", "10:40")
        staff.fill("#break_start", "10:00")
        staff.fill("#break_end", "10:20")
        staff.fill("#rooms", "Room 301; 2; startup\nVideo room; 1; online; video")
        staff.click("#new-day button[type=submit]")
        staff.wait_for_url("**/partnering/*")
        day_path = staff.url.split(live_server, 1)[1]
        staff.select_option("#organisation_id", label="Rising Tide Fund (Investor)")
        staff.click("form[action$='/participants'] button")
        staff.click("form[action$='/invite'] button")
        startups = staff.locator("#startups").inner_text()
        assert "VoltCell" in startups and "ChargeNest" in startups

        # 2. The founder and the fund give availability and preferences.
        page = _answer(founder, live_server, day_path, "Rising Tide", "must")
        page.locator("#slots input[type=checkbox]").first.check()  # not available at 09:00
        page.click("#save-answers")
        assert page.locator("#slots input[type=checkbox]").first.is_checked()
        page = _answer(fund, live_server, day_path, "VoltCell", "must")
        page.click("#save-answers")

        # 3. Staff generate, move one meeting to the free slot, and publish.
        staff.goto(f"{live_server}{day_path}")
        staff.click("#generate")
        staff.wait_for_selector("#meetings")
        rows = staff.locator("#meetings tbody tr")
        assert rows.count() == 3
        used = {rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())}
        voltcell_row = staff.locator("#meetings tbody tr", has_text="VoltCell")
        assert "09:00" not in voltcell_row.locator("td").first.inner_text()
        other = staff.locator("#meetings tbody tr", has_text="ChargeNest")
        options = other.locator("select[name=slot_id] option").all_inner_texts()
        free = next(o for o in options if o.strip() not in used)
        other.locator("select[name=slot_id]").select_option(label=free)
        other.locator("form.move-form button").click()
        moved = staff.locator("#meetings tbody tr", has_text="ChargeNest")
        assert moved.locator("td").first.inner_text().strip() == free.strip()
        assert "locked" in moved.inner_text()
        staff.click("#review")
        assert staff.locator("#day-state").inner_text() == "Reviewed"
        staff.click("#publish")
        assert staff.locator("#day-state").inner_text() == "Published"

        # 4. The founder downloads the ICS; the fund's agenda reads in English.
        founder.goto(f"{live_server}{day_path}/agenda")
        with founder.expect_download() as download:
            founder.locator("#agenda a.ics-link").first.click()
        path = tmp_path / "meeting.ics"
        download.value.save_as(path)
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        event = calendar.walk("VEVENT")[0]
        assert str(event["UID"]).startswith("partnering-meeting-")
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Seoul"
        assert "Rising Tide Fund" in str(event["SUMMARY"])
        fund.goto(f"{live_server}{day_path}/agenda")
        agenda = fund.locator("main").inner_text()
        assert "Your agenda" in agenda and "VoltCell" in agenda and "Add to calendar" in agenda

        # 5. After the day both mark the meeting held (the founder wants a follow-up).
        for page in (founder, fund):
            row = page.locator("#agenda tbody tr", has_text="VoltCell" if page is fund else "Rising Tide")
            row.locator("select[name=presence]").select_option("held")
            if page is founder:
                row.locator("input[name=follow_up]").check()
            row.locator(".attendance-form button").click()
            page.wait_for_selector("#agenda .mark")
        with live_app.app_context():
            introduction = db.session.scalar(
                select(Introduction).where(
                    Introduction.startup_id == fund_matches["voltcell-battery"],
                    Introduction.counterpart_id == fund_matches["rising-tide-fund"],
                )
            )
            assert introduction is not None and introduction.state == IntroState.MET
            db.session.remove()
    finally:
        for context in (staff_context, founder_context, fund_context):
            context.close()
