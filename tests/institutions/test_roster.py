"""Roster import: the dry run, applying, matching people, and every kind of bad input."""

import datetime
import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model

from institutions.models import Membership, RosterImport, StaffCategory
from institutions.roster.services import roster_import_apply, roster_import_apply_request
from institutions.services import membership_set
from tests.factories import UserFactory
from tests.institutions.conftest import HEADER, csv_bytes, messages_of, xlsx

pytestmark = pytest.mark.django_db
User = get_user_model()

ROWS = [
    ["李娜", "13800000001", "lina@example.com", "donghu-mz", "公务员", "科员", "2021-03-01", ""],
    ["周杰", "13800000002", "", "donghu-cq", "社会工作者", "一线社工", "2023/9/1", "13800000001"],
    ["吴敏", "", "wumin@example.com", "donghu-cq", "volunteer", "", "", ""],
]


def counts():
    return User.objects.count(), Membership.objects.count()


def test_a_clean_xlsx_is_previewed_then_applied(admin, tree, check_file, apply_import, outbox):
    before = counts()
    roster_import = check_file(admin, xlsx(ROWS))
    assert roster_import.state == RosterImport.State.READY
    assert messages_of(roster_import) == []
    assert [(line["row"], line["action"]) for line in roster_import.preview] == [
        (2, "create"),
        (3, "create"),
        (4, "create"),
    ]
    assert counts() == before  # the dry run writes nothing

    roster_import = apply_import(admin, roster_import)
    assert roster_import.state == RosterImport.State.APPLIED
    assert (roster_import.row_count, roster_import.create_count) == (3, 3)
    assert counts() == (before[0] + 3, before[1] + 3)
    lina = User.objects.get(phone="13800000001")
    assert lina.real_name == "李娜" and not lina.has_usable_password()
    zhou = Membership.objects.get(user__phone="13800000002")
    assert zhou.institution == tree["station"]
    assert zhou.staff_category == StaffCategory.SOCIAL_WORKER
    assert zhou.hire_date == datetime.date(2023, 9, 1)
    assert zhou.supervisor == lina
    assert Membership.objects.get(user__email="wumin@example.com").staff_category == "volunteer"
    # the two people with an email are invited; 周杰 has none
    assert sorted(to[0] for _subject, _body, to in outbox) == [
        "lina@example.com",
        "wumin@example.com",
    ]
    assert roster_import.invited_count == 2


def test_the_invitation_lets_the_new_person_choose_a_password(
    admin, tree, check_file, apply_import, outbox, client
):
    apply_import(admin, check_file(admin, xlsx(ROWS[:1])))
    [(subject, body, to)] = outbox
    assert to == ["lina@example.com"]
    assert subject and "13800000001" in body  # the username to log in with
    link = re.search(r"https?://\S+", body).group(0)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Lina-new-pass-2026", "new_password2": "Lina-new-pass-2026"},
    )
    assert client.login(username="13800000001", password="Lina-new-pass-2026")


def test_the_invitation_is_in_chinese_by_default(admin, tree, check_file, apply_import, outbox):
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = translation.gettext("You are invited to Qihang")
    assert chinese != "You are invited to Qihang"
    apply_import(admin, check_file(admin, xlsx(ROWS[:1])))  # the reader's language is English
    [(subject, _body, _to)] = outbox
    assert subject == chinese


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(
    admin, tree, check_file, apply_import, encoding
):
    roster_import = check_file(admin, csv_bytes(ROWS, encoding=encoding), "名单.csv")
    assert messages_of(roster_import) == []
    apply_import(admin, roster_import)
    assert User.objects.get(phone="13800000002").real_name == "周杰"
    assert Membership.objects.get(user__phone="13800000001").post == "科员"


def test_english_headers_are_accepted(admin, tree, check_file):
    header = ["Name", "Phone", "Email", "Institution code", "Staff category", "Post", "Hire date"]
    roster_import = check_file(admin, xlsx([ROWS[0][:7]], header=header))
    assert roster_import.state == RosterImport.State.READY


def test_real_excel_dates_and_numeric_phones(admin, tree, check_file, apply_import):
    row = ["李娜", 13800000001, "", "donghu-mz", "公务员", "", datetime.datetime(2020, 5, 6)]
    roster_import = apply_import(admin, check_file(admin, xlsx([row])))
    assert roster_import.state == RosterImport.State.APPLIED
    membership = Membership.objects.get(user__phone="13800000001")
    assert membership.hire_date == datetime.date(2020, 5, 6)


def test_importing_the_same_file_again_changes_nothing(admin, tree, check_file, apply_import):
    apply_import(admin, check_file(admin, xlsx(ROWS)))
    before = counts()
    again = check_file(admin, xlsx(ROWS))
    assert {line["action"] for line in again.preview} == {"unchanged"}
    again = apply_import(admin, again)
    assert (again.create_count, again.update_count, again.unchanged_count) == (0, 0, 3)
    assert counts() == before


def test_existing_people_are_matched_by_phone_or_email_not_duplicated(
    admin, tree, check_file, apply_import
):
    by_phone = UserFactory(real_name="李娜", phone="13800000001", email="")
    by_email = UserFactory(real_name="吴敏", email="WuMin@example.com")
    membership_set(user=by_email, institution=tree["station"], staff_category="volunteer")
    before = counts()
    roster_import = check_file(admin, xlsx([ROWS[0], ROWS[2]]))
    actions = {line["row"]: (line["action"], line["new_person"]) for line in roster_import.preview}
    assert actions == {2: ("create", False), 3: ("unchanged", False)}
    apply_import(admin, roster_import)
    assert counts() == (before[0], before[1] + 1)  # one new membership, nobody new
    assert Membership.objects.get(user=by_phone).institution == tree["bureau"]


def test_changed_posts_and_names_of_own_people_are_updates(admin, tree, check_file, apply_import):
    person = UserFactory(real_name="李那", phone="13800000001", email="lina@example.com")
    membership_set(
        user=person, institution=tree["bureau"], staff_category="civil_servant", post="见习"
    )
    roster_import = check_file(admin, xlsx([ROWS[0]]))
    [line] = roster_import.preview
    assert line["action"] == "update"
    assert set(line["changes"]) == {"name", "post", "hire_date"}
    apply_import(admin, roster_import)
    person.refresh_from_db()
    membership = Membership.objects.get(user=person)
    assert (person.real_name, membership.post) == ("李娜", "科员")


def test_empty_cells_keep_what_is_recorded(admin, tree, check_file, apply_import):
    apply_import(admin, check_file(admin, xlsx(ROWS[:2])))
    sparse = [["周杰", "13800000002", "", "donghu-cq", "", "", "", ""]]
    roster_import = check_file(admin, xlsx(sparse))
    assert roster_import.preview[0]["action"] == "unchanged"
    membership = Membership.objects.get(user__phone="13800000002")
    assert membership.post == "一线社工" and membership.supervisor.phone == "13800000001"


# -- bad input: a row-numbered error, and nothing imported -------------------------------------


def assert_refused(roster_import, expected: list[tuple]):
    """Each expected (row, column, words) is among the errors, and the import cannot go on."""
    assert roster_import.state == RosterImport.State.INVALID
    assert not roster_import_apply_request(
        admin=roster_import.uploaded_by, roster_import=roster_import
    )
    # even forced past the page, applying checks again and writes nothing
    RosterImport.objects.filter(pk=roster_import.pk).update(state=RosterImport.State.APPLYING)
    assert roster_import_apply(import_id=roster_import.pk).state == RosterImport.State.INVALID
    found = messages_of(roster_import)
    for row, column, words in expected:
        assert any(line[0] == row and line[1] == column and words in line[2] for line in found), (
            row,
            column,
            words,
            found,
        )


@pytest.fixture
def unchanged_counts(tree, admin, check_file):
    """Nobody and no membership is added by the test's import."""
    yield
    assert counts() == check_file.before


@pytest.mark.usefixtures("unchanged_counts")
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ["张三", "13800000009", "", "donghu-mz", "公务员", "", "2025-02-30"],
            (2, "入职日期", "2025-02-30 is not a real date"),
        ),
        (
            ["张三", "13800000009", "", "donghu-mz", "公务员", "", "2099-01-01"],
            (2, "入职日期", "in the future"),
        ),
        (
            ["张三", "13800000009", "", "donghu-mz", "公务员", "", "去年九月"],
            (2, "入职日期", "is not a date"),
        ),
        (
            ["张三", "1380000", "", "donghu-mz", "公务员"],
            (2, "手机号", "not a mainland mobile number"),
        ),
        (["张三", "", "not-an-email", "donghu-mz", "公务员"], (2, "邮箱", "not an email address")),
        (
            ["张三", "", "", "donghu-mz", "公务员"],
            (2, "手机号", "Give a phone number, an email or both"),
        ),
        (["", "13800000009", "", "donghu-mz", "公务员"], (2, "姓名", "name is missing")),
        (
            ["张三", "13800000009", "", "no-such-unit", "公务员"],
            (2, "单位编码", "Unknown institution code “no-such-unit”"),
        ),
        (
            ["张三", "13800000009", "", "xishan", "公务员"],
            (2, "单位编码", "Unknown institution code “xishan”"),
        ),
        (
            ["张三", "13800000009", "", "donghu-mz", "干部"],
            (2, "人员类别", "Unknown staff category “干部”"),
        ),
        (["张三", "13800000009", "", "donghu-mz", ""], (2, "人员类别", "staff category is needed")),
        (
            ["张三", "13800000009", "", "donghu-mz", "公务员", "", "", "13999999999"],
            (2, "直属上级手机号", "No one with phone 13999999999"),
        ),
    ],
)
def test_bad_rows_are_refused_with_their_row_number(admin, check_file, row, expected):
    good = ["李娜", "13800000001", "", "donghu-mz", "公务员", "", "", ""]
    roster_import = check_file(admin, xlsx([good, row]))
    row_number, column, words = expected
    assert_refused(roster_import, [(row_number + 1, column, words)])  # the good row neither


@pytest.mark.usefixtures("unchanged_counts")
def test_a_person_twice_in_one_institution_names_the_first_row(admin, check_file):
    rows = [ROWS[0], ROWS[1], ["李娜", "13800000001", "", "donghu-mz", "公务员"]]
    assert_refused(check_file(admin, xlsx(rows)), [(4, "姓名", "already on row 2")])


def test_one_person_in_two_institutions_is_one_person(admin, tree, check_file, apply_import):
    rows = [ROWS[0], ["李娜", "13800000001", "", "donghu-cq", "志愿者"]]
    roster_import = apply_import(admin, check_file(admin, xlsx(rows)))
    assert roster_import.state == RosterImport.State.APPLIED
    person = User.objects.get(phone="13800000001")
    assert person.memberships.count() == 2


@pytest.mark.usefixtures("unchanged_counts")
def test_ambiguous_matches_are_refused(admin, check_file):
    UserFactory(phone="13800000001", real_name="李娜")
    UserFactory(phone="13800000001", real_name="李娜")
    other = UserFactory(phone="13800000005", email="lina@example.com", real_name="李娜")
    assert other
    rows = [
        ["李娜", "13800000001", "", "donghu-mz", "公务员"],
        ["李娜", "13800000006", "lina@example.com", "donghu-mz", "公务员"],
    ]
    assert_refused(
        check_file(admin, xlsx(rows)),
        [(2, "手机号", "Several people already have the phone"), (3, "手机号", "another phone")],
    )


@pytest.mark.usefixtures("unchanged_counts")
def test_phone_of_one_person_and_email_of_another_is_refused(admin, check_file):
    UserFactory(phone="13800000001", email="", real_name="李娜")
    UserFactory(email="lina@example.com", real_name="李娜")
    assert_refused(
        check_file(admin, xlsx([ROWS[0]])), [(2, "邮箱", "one existing person and the email")]
    )


@pytest.mark.usefixtures("unchanged_counts")
def test_someone_elses_account_is_not_renamed(admin, tree, check_file):
    stranger = UserFactory(phone="13800000001", real_name="王五", email="")
    assert_refused(check_file(admin, xlsx([ROWS[0]])), [(2, "姓名", "a different name")])
    assert stranger.memberships.count() == 0


@pytest.mark.usefixtures("unchanged_counts")
@pytest.mark.parametrize("key", ["phone", "email"])
def test_a_person_of_another_institution_is_a_conflict_not_attached(admin, tree, check_file, key):
    stranger = UserFactory(phone="13800000001", real_name="李娜", email="lina@example.com")
    membership_set(user=stranger, institution=tree["xishan"], staff_category="volunteer")
    row = list(ROWS[0])
    row[2 if key == "phone" else 1] = ""  # match by the other contact detail only
    roster_import = check_file(admin, xlsx([row]))
    column = "手机号" if key == "phone" else "邮箱"
    assert_refused(roster_import, [(2, column, "an institution you do not administer")])
    assert list(stranger.memberships.values_list("institution__code", flat=True)) == ["xishan"]


def test_a_person_of_no_institution_or_of_the_admins_own_is_matched(
    admin, tree, check_file, apply_import
):
    loner = UserFactory(phone="13800000001", real_name="李娜", email="")
    roster_import = apply_import(admin, check_file(admin, xlsx([ROWS[0]])))
    assert roster_import.state == RosterImport.State.APPLIED
    assert loner.memberships.get().institution == tree["bureau"]


def test_a_city_admin_matches_people_of_any_institution(tree, check_file, apply_import):
    city_admin = UserFactory(role="city_admin")
    person = UserFactory(phone="13800000001", real_name="李娜", email="")
    membership_set(user=person, institution=tree["xishan"], staff_category="volunteer")
    roster_import = apply_import(city_admin, check_file(city_admin, xlsx([ROWS[0]])))
    assert roster_import.state == RosterImport.State.APPLIED
    assert person.memberships.count() == 2


def test_error_messages_mask_a_real_phone_but_show_a_malformed_one(admin, check_file):
    UserFactory(phone="13800000001", real_name="李娜")
    UserFactory(phone="13800000001", real_name="李娜")
    rows = [
        ["李娜", "13800000001", "", "donghu-mz", "公务员"],
        ["周杰", "1380000", "", "donghu-mz", "公务员"],
    ]
    texts = [text for _row, _column, text in messages_of(check_file(admin, xlsx(rows)))]
    assert any("138****0001" in text for text in texts)
    assert not any("13800000001" in text for text in texts)
    assert any("1380000" in text for text in texts)


@pytest.mark.usefixtures("unchanged_counts")
def test_supervisor_phone_shared_by_two_people_is_ambiguous(admin, tree, check_file):
    for name in ("甲", "乙"):
        boss = UserFactory(phone="13900000000", real_name=name)
        membership_set(user=boss, institution=tree["bureau"], staff_category="civil_servant")
    row = ["张三", "13800000009", "", "donghu-mz", "公务员", "", "", "13900000000"]
    assert_refused(check_file(admin, xlsx([row])), [(2, "直属上级手机号", "ambiguous")])


@pytest.mark.usefixtures("unchanged_counts")
def test_a_supervisor_outside_the_admins_institutions_is_unknown(admin, tree, check_file):
    boss = UserFactory(phone="13900000000")
    membership_set(user=boss, institution=tree["xishan"], staff_category="civil_servant")
    row = ["张三", "13800000009", "", "donghu-mz", "公务员", "", "", "13900000000"]
    assert_refused(check_file(admin, xlsx([row])), [(2, "直属上级手机号", "No one with phone")])


@pytest.mark.usefixtures("unchanged_counts")
def test_a_missing_header_is_an_error_on_row_1(admin, check_file):
    header = ["姓名", "手机号", "人员类别"]
    assert_refused(
        check_file(admin, xlsx([["张三", "13800000009", "公务员"]], header=header)),
        [(1, "单位编码", "The required column 单位编码 is missing")],
    )


@pytest.mark.usefixtures("unchanged_counts")
@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"%PDF-1.4 not a workbook", "名单.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "名单.xlsx", "not an Excel workbook"),
        (b"", "名单.csv", "empty"),
        ("姓名,手机号\n张三,138".encode() + b"\xff\xfe\xfa\n", "名单.csv", "Line 2 cannot be read"),
        ('姓名,单位编码\n"张三,donghu\n'.encode(), "名单.csv", "not valid CSV"),
    ],
)
def test_malformed_files_are_refused(admin, check_file, content, name, words):
    roster_import = check_file(admin, content, name)
    assert roster_import.state == RosterImport.State.INVALID
    assert any(words in text for _row, _column, text in messages_of(roster_import))


@pytest.mark.usefixtures("unchanged_counts")
def test_a_zip_that_is_not_a_workbook_is_refused(admin, check_file):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    roster_import = check_file(admin, buffer.getvalue())
    assert "not an Excel workbook" in messages_of(roster_import)[0][2]


@pytest.mark.usefixtures("unchanged_counts")
def test_a_zip_bomb_is_refused_before_it_is_unpacked(admin, check_file, settings):
    settings.ROSTER_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO(xlsx(ROWS))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    roster_import = check_file(admin, buffer.getvalue())
    assert "unpacks to too much data" in messages_of(roster_import)[0][2]


@pytest.mark.usefixtures("unchanged_counts")
def test_too_many_rows_and_too_large_files_are_refused(admin, check_file, settings):
    settings.ROSTER_MAX_ROWS = 2
    assert "more than 2 rows" in messages_of(check_file(admin, xlsx(ROWS)))[0][2]
    settings.ROSTER_MAX_UPLOAD_BYTES = 100
    assert "larger than" in messages_of(check_file(admin, xlsx(ROWS)))[0][2]


@pytest.mark.usefixtures("unchanged_counts")
def test_an_institution_admin_cannot_import_into_another_subtree(xishan_admin, check_file):
    roster_import = check_file(xishan_admin, xlsx([ROWS[0]]))
    assert_refused(roster_import, [(2, "单位编码", "Unknown institution code “donghu-mz”")])


def test_apply_checks_again_and_writes_nothing_if_the_world_changed(
    admin, tree, check_file, apply_import
):
    roster_import = check_file(admin, xlsx(ROWS))
    assert roster_import.state == RosterImport.State.READY
    UserFactory(phone="13800000002", real_name="别人", email="")  # appears before the import
    before = counts()
    roster_import = apply_import(admin, roster_import)
    assert roster_import.state == RosterImport.State.INVALID
    assert counts() == before
    assert any(row == 3 for row, _column, _text in messages_of(roster_import))


def test_header_list_matches_the_template_columns():
    from institutions.roster.columns import COLUMNS

    assert [column.header for column in COLUMNS] == HEADER


def test_someone_imported_whose_invitation_expired_can_ask_for_a_new_link(db):
    from lms.forms import QueuedPasswordResetForm

    imported = UserFactory(email="New.Person@example.com")
    imported.set_unusable_password()
    imported.save()
    inactive = UserFactory(email="gone@example.com", is_active=False)
    form = QueuedPasswordResetForm()
    assert list(form.get_users("new.person@example.com")) == [imported]
    assert list(form.get_users("gone@example.com")) == [] and inactive.pk


def test_a_database_outage_while_applying_leaves_the_roster_to_be_applied_again(
    admin, tree, check_file, apply_import, monkeypatch
):
    from django.db import OperationalError

    from institutions.roster import services

    roster_import = check_file(admin, xlsx(ROWS))
    real_write = services._write

    def away(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(services, "_write", away)
    with pytest.raises(OperationalError):
        apply_import(admin, roster_import)
    roster_import.refresh_from_db()
    assert roster_import.state == RosterImport.State.APPLYING  # not failed: the retry applies it
    monkeypatch.setattr(services, "_write", real_write)
    assert roster_import_apply(import_id=roster_import.pk).state == RosterImport.State.APPLIED
