"""The journal screen: history newest first, filters, search, a session read in full, privacy per
entry (only its author changes or deletes it), forgetting everything, and failures on a full or
read-only disk shown as a sentence with nothing lost."""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual.widgets import Button, Input, OptionList, Select, Static

from nearer.journal.store import Journal
from nearer.tui.app import NearerApp
from nearer.tui.screens.history_dialogs import ConfirmDeleteScreen, ForgetScreen
from nearer.tui.screens.journal import JournalScreen

from .conftest import START, journal_path
from .drive import home_filled, steady_cursors

SIZE = (100, 30)
DAY = 86_400.0


def fill(path: Path | None = None) -> dict[str, int]:
    """Three sessions over a fortnight: a chat with a private reflection, a hug, a regroup."""
    ids: dict[str, int] = {}
    with Journal.open(path or journal_path()) as journal:
        chat = ids["chat"] = journal.start_session(
            "vulnerable_chat", "A vulnerable chat", "vulnerability", START - 14 * DAY
        )
        journal.add_entry(chat, "share", "answer", "a", "Sam", "What has felt heavy lately?",
                          "Work, and missing my sister.", False, START - 14 * DAY + 60)
        ids["secret"] = journal.add_entry(
            chat, "journal", "reflection", "b", "Alex", "What do you want to remember from tonight?",
            "That I was scared and said it anyway.", True, START - 14 * DAY + 600)
        ids["kind"] = journal.add_entry(
            chat, "journal", "reflection", "a", "Sam", "What do you want to remember from tonight?",
            "How gently you listened by the river.", False, START - 14 * DAY + 610)
        journal.end_session(chat, "end", START - 14 * DAY + 1800)
        hug = ids["hug"] = journal.start_session("five_minute_hug", "A five-minute hug", "affection", START - 3 * DAY)
        journal.add_entry(hug, "after", "reflection", "b", "Alex", "A few words afterwards?",
                          "Warm. We should walk by the river again.", False, START - 3 * DAY + 400)
        journal.end_session(hug, "end", START - 3 * DAY + 420)
        regroup = ids["regroup"] = journal.start_session(
            "regroup_after_a_fight", "Regroup after a fight", "conflict", START - DAY
        )
        journal.add_entry(regroup, "agree", "reflection", "a", "Sam", "One thing you will do next time?",
                          "Ask for a break before my voice rises.", False, START - DAY + 900,
                          tags=["agreement"])
        journal.add_entry(regroup, "agree", "reflection", "b", "Alex", "One thing you will do next time?",
                          "Come back after twenty minutes, as we agreed.", False, START - DAY + 910,
                          tags=["agreement"])
        journal.end_session(regroup, "end", START - DAY + 1200)
    return ids


def app_for(clock) -> NearerApp:
    return NearerApp(clock=clock, seed=11)


async def open_journal(pilot) -> JournalScreen:
    await pilot.press("j")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, JournalScreen)
    steady_cursors(pilot)
    return screen


def shown(screen) -> str:
    return "\n".join(str(w.render()) for w in screen.query("#session-view Static"))


def listed(screen) -> list[str]:
    options = screen.query_one("#history-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def read_as(pilot, screen, reader: str) -> None:
    screen.query_one("#reader", Select).value = reader
    await pilot.pause()


def everything_on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


async def test_sessions_newest_first_and_the_newest_opened(named, clock):
    fill()
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        titles = [line.splitlines()[0] for line in listed(screen)]
        assert titles == ["Regroup after a fight", "A five-minute hug", "A vulnerable chat"]
        assert "Ask for a break before my voice rises." in shown(screen)
        assert "Come back after twenty minutes, as we agreed." in shown(screen), "who wrote what"
        assert "Alex" in shown(screen) and "Sam" in shown(screen)


async def test_filters_by_practice_ritual_and_first_day(named, clock):
    fill()
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        screen.query_one("#practice", Select).value = "affection"
        await pilot.pause()
        assert [line.splitlines()[0] for line in listed(screen)] == ["A five-minute hug"]
        screen.query_one("#practice", Select).clear()
        screen.query_one("#ritual", Select).value = "vulnerable_chat"
        await pilot.pause()
        assert [line.splitlines()[0] for line in listed(screen)] == ["A vulnerable chat"]
        screen.query_one("#ritual", Select).clear()
        screen.query_one("#since", Input).value = "2026-09-18"
        await pilot.pause()
        assert [line.splitlines()[0] for line in listed(screen)] == [
            "Regroup after a fight", "A five-minute hug"
        ]
        screen.query_one("#since", Input).value = "2030-01-01"
        await pilot.pause()
        assert listed(screen) == ["No sessions match these filters."]


async def test_search_finds_words_newest_first_and_opens_the_session(named, clock):
    fill()
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        screen.query_one("#search", Input).value = "river"
        await pilot.pause()
        hits = listed(screen)
        assert len(hits) == 2
        assert "walk by the river again" in hits[0] and "listened by the river" in hits[1]
        assert "A five-minute hug" in str(screen.query_one(".journal-session").border_title)
        screen.query_one("#history-list", OptionList).highlighted = 1
        await pilot.pause()
        assert "A vulnerable chat" in str(screen.query_one(".journal-session").border_title)


async def test_a_private_entry_is_shown_only_to_its_author(named, clock):
    ids = fill()
    app = app_for(clock)
    secret = "That I was scared and said it anyway."
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        screen.query_one("#history-list", OptionList).highlighted = 2
        await pilot.pause()
        assert secret not in shown(screen)
        assert "Alex kept one thing private here." in shown(screen)
        await read_as(pilot, screen, "a")
        assert secret not in shown(screen), "Sam reading: Alex's private words stay hidden"
        buttons = {b.entry_id for b in screen.query(".entry-privacy")}
        assert ids["secret"] not in buttons and ids["kind"] in buttons, "buttons only for Sam's own"
        screen.query_one("#search", Input).value = "scared"
        await pilot.pause()
        assert listed(screen) == ["Nothing you can read here mentions “scared”."]
        await read_as(pilot, screen, "b")
        assert len(listed(screen)) == 1 and "scared" in listed(screen)[0]
        assert secret in shown(screen)
        # Back to both of you: nothing of the secret anywhere on the screen, the list or the view.
        await read_as(pilot, screen, "both")
        text = " ".join(str(w.render()) for w in screen.query("Static")) + " ".join(listed(screen))
        assert "I was scared" not in text and "said it anyway" not in text


async def test_the_author_shares_a_private_entry_and_deletes_another(named, clock):
    ids = fill()
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        screen.query_one("#history-list", OptionList).highlighted = 2
        await pilot.pause()
        await read_as(pilot, screen, "b")
        buttons = [b for b in screen.query(".entry-privacy") if b.entry_id == ids["secret"]]
        assert [str(b.label) for b in buttons] == ["Share it"]
        await pilot.click(buttons[0])
        await pilot.pause()
        await read_as(pilot, screen, "a")
        assert "That I was scared and said it anyway." in shown(screen), "shared now"
        # Sam deletes his own reflection, after saying yes.
        delete = next(b for b in screen.query(".entry-delete") if b.entry_id == ids["kind"])
        await pilot.click(delete)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDeleteScreen)
        await pilot.click("#delete")
        await pilot.pause()
        assert "How gently you listened" not in shown(screen)
        assert [b.entry_id for b in screen.query(".entry-delete")] == [ids["kind"] - 2], (
            "Sam may delete only what Sam wrote"
        )
    with Journal.open(journal_path()) as journal:
        texts = {e.text: e.private for e in journal.entries_for(ids["chat"])}
    assert texts == {"Work, and missing my sister.": False, "That I was scared and said it anyway.": False}


async def test_deleting_a_session_asks_first_and_removes_it(named, clock):
    ids = fill()
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        await pilot.click(screen.query_one(".session-delete"))
        await pilot.pause()
        await pilot.click("#keep")
        await pilot.pause()
        assert len(listed(screen)) == 3, "Keep keeps it"
        await pilot.click(screen.query_one(".session-delete"))
        await pilot.pause()
        await pilot.click("#delete")
        await pilot.pause()
        assert [line.splitlines()[0] for line in listed(screen)] == ["A five-minute hug", "A vulnerable chat"]
    with Journal.open(journal_path()) as journal:
        assert journal.session(ids["regroup"], None) is None
        assert journal.tagged("agreement") == []


async def test_forget_everything_needs_the_words_typed_and_leaves_no_copy(named, clock):
    fill()
    folder = journal_path().parent
    assert b"missing my sister" in everything_on_disk(folder)
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        await pilot.click("#forget")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ForgetScreen)
        words = dialog.query_one("#forget-words", Input)
        words.value = "forget"
        await pilot.pause()
        assert dialog.query_one("#forget", Button).disabled
        words.value = "Forget  everything"
        await pilot.pause()
        await pilot.click("#forget")
        await pilot.pause()
        assert app.screen is screen
        assert listed(screen)[0].startswith("Nothing here yet.")
        # While nearer is still open, the files already hold none of the words.
        on_disk = everything_on_disk(folder)
        for phrase in (b"missing my sister", b"scared", b"river", b"Ask for a break", b"Regroup"):
            assert phrase not in on_disk
    with Journal.open(journal_path()) as journal:
        assert journal.history() == [] and journal.last_done() == {}




async def test_a_full_disk_is_a_sentence_nothing_changes_and_try_again_works(named, clock, tiny_tmpfs, monkeypatch):
    monkeypatch.setenv("NEARER_DATA_DIR", str(tiny_tmpfs / "data"))
    ids = fill()
    filler = tiny_tmpfs / "filler"
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        screen.query_one("#history-list", OptionList).highlighted = 2
        await pilot.pause()
        await read_as(pilot, screen, "b")
        with open(filler, "wb", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError:
                pass
        share = next(b for b in screen.query(".entry-privacy") if b.entry_id == ids["secret"])
        await pilot.click(share)
        await pilot.pause()
        problem = str(screen.query_one("#history-problem", Static).render())
        assert problem.startswith("Your disk is full, so nearer could not change who can read this.")
        assert screen.query_one("#retry", Button).display
        assert "That I was scared" in shown(screen) and "private" in shown(screen)
        filler.unlink()
        await pilot.click("#retry")
        await pilot.pause()
        assert not screen.query_one("#history-problem-row").display
    with Journal.open(journal_path()) as journal:
        assert [e.private for e in journal.entries_for(ids["chat"]) if e.id == ids["secret"]] == [False]


async def test_a_read_only_journal_folder_is_a_sentence_and_nearer_keeps_running(named, clock, tiny_tmpfs, monkeypatch):
    monkeypatch.setenv("NEARER_DATA_DIR", str(tiny_tmpfs / "data"))
    fill()
    before = everything_on_disk(tiny_tmpfs / "data")
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
    try:
        app = app_for(clock)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_journal(pilot)
            notice = str(screen.query_one("#history-notice", Static).render())
            assert "read-only" in notice and "Make it writable and try again." in notice
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_tmpfs)], check=True)
    assert everything_on_disk(tiny_tmpfs / "data") == before


async def test_home_shows_what_you_agreed_and_a_gentle_word_after_a_week(named, clock):
    fill()
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        await home_filled(pilot)
        agreements = " ".join(str(w.render()) for w in app.screen.query("#agreements Static"))
        assert "Sam: Ask for a break before my voice rises." in agreements
        assert "Alex: Come back after twenty minutes" in agreements
        assert not app.screen.query("#checkin"), "never done: nothing to nudge about"
    with Journal.open(journal_path()) as journal:
        checkin = journal.start_session("weekly_check_in", "Weekly check-in", "checkin", START - 6 * DAY)
        journal.end_session(checkin, "end", START - 6 * DAY + 1800)
    async with app_for(clock).run_test(size=SIZE) as pilot:
        await home_filled(pilot)
        assert not pilot.app.screen.query("#checkin"), "six days: quiet"
    clock.advance(2 * DAY)
    async with app_for(clock).run_test(size=SIZE) as pilot:
        await home_filled(pilot)
        words = " ".join(str(w.render()) for w in pilot.app.screen.query("#checkin Static"))
        assert words == "Your last weekly check-in was 7 days ago. Whenever suits you both."
        for streaky in ("streak", "missed", "score", "%"):
            assert streaky not in words.lower()


async def test_a_journal_others_could_read_is_made_private_and_said(named, clock):
    fill()
    journal_path().chmod(0o644)
    app = app_for(clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("nearer has made it private to you again" in m for m in said)
    assert journal_path().stat().st_mode & 0o077 == 0


# -- snapshots: each looked at (rsvg-convert to PNG) before it was accepted --------------------


def test_snapshot_history(named, clock, snap_compare):
    fill()

    async def settle(pilot):
        await open_journal(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=settle)


def test_snapshot_search_results(named, clock, snap_compare):
    fill()

    async def search(pilot):
        screen = await open_journal(pilot)
        screen.query_one("#search", Input).value = "river"
        await pilot.pause()
        steady_cursors(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=search)


def test_snapshot_session_read_by_its_private_author(named, clock, snap_compare):
    fill()

    async def session(pilot):
        screen = await open_journal(pilot)
        await read_as(pilot, screen, "b")
        screen.query_one("#history-list", OptionList).highlighted = 2
        await pilot.pause()
        screen.query_one("#session-view").focus()
        await pilot.pause()

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=session)
