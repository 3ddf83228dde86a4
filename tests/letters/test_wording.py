"""The wording of each letter is versioned data: released versions never change, every
placeholder can be filled, every wording cites where its content comes from, and every wording
belongs to a letter some profile sends."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rollcall.letters import catalogue
from rollcall.letters.catalogue import WordingError, fill, wordings
from rollcall.policies import available_profiles, load_profile
from tests.citations import unlisted

PROFILES = ("national", "sefton", "leeds-bramley", "essex", "hackney", "peterborough-diocese-trust")
LAYOUT = Path(__file__).resolve().parents[2] / "rollcall" / "templates" / "letters"

# Letters have been made from these: a change to one is a new version beside it, never an edit.
RELEASED = {  # file name: SHA-256
    "attendance_concern-1.yaml": "96fcf3468f90beeda28dda28d0079680f9acd717ee1151f398c038be40d4a90d",
    "attendance_concern_1-1.yaml": "a7a033d2d2c5b557098c090e1001c306b8a0dce41e9eaead9099e12a10d817be",  # noqa: E501
    "attendance_concern_2-1.yaml": "c5ceb92ead3d0cfaf8b1ea125d0daeb85455d68bb2a80e50cbc77a850cf3e237",  # noqa: E501
    "attendance_contract-1.yaml": "9cfd0508a41bd39a820ae8a5dcb7f19cac8974f4352ae9f223f955b4a3f94d16",  # noqa: E501
    "case_closure-1.yaml": "6507856a6a2be99827d406aa245b0142bf1a896dfb76c40e8a08d63e7c7adb6a",
    "eso_planning_invitation-1.yaml": "84f5668353f28d0d63fab04afc1b91ecf59644f1d09db0a66b36d52aa7aa32e4",  # noqa: E501
    "exclusion_duty_notice-1.yaml": "c745224efd80e5e397af9f0dd2731bb55de7b3cf3534ce14c8a6b5aa4abb1ea8",  # noqa: E501
    "fast_track_letter_1-1.yaml": "1b64a891329d14e6a10dcd0c708af30eb75744be2ed4b8483faab7219437f5e8",  # noqa: E501
    "fast_track_letter_2-1.yaml": "9a8fd68ae09875c6f9efb36ca5c42220afca1602616f90a568364b12adcd8174",  # noqa: E501
    "first_day_contact-1.yaml": "5e820ccf6b431eba1da01f86017e69f55232852a729274246845da5e95b35896",
    "formal_meeting_invitation-1.yaml": "a1c30c3a6c450d24f3bab900d04d08d86a77c33b9ff21fad7641329cd7b288d1",  # noqa: E501
    "illness_unauthorised_notice-1.yaml": "bf58bfb44a458e42d591052dbf12761875a8227a602a5dc53dc78a4cc9e99102",  # noqa: E501
    "interview_under_caution_invitation-1.yaml": "b4479826e6911fb56fcc4da5e42a00f9672dadc104060a1e8996577f00e40471",  # noqa: E501
    "leave_request_response-1.yaml": "8c3239ba1441d8a7892f52b8c19bbbda13d82132971cf2c7a33ba731992750d8",  # noqa: E501
    "legal_consequences_letter-1.yaml": "11e16cf964868ecb2251dc356c41c1452a64ec377f376f9561a72f5c50e3340e",  # noqa: E501
    "meeting_follow_up-1.yaml": "44450847138c7bff565e118c78a04271431c71cfe2ccf58c8cb8120d5b47bd51",
    "meeting_invitation-1.yaml": "73b672fb8c5ae8f62469606096e8f1970c81bbc55a48e3258f853174aead5cdf",
    "meeting_notes-1.yaml": "0d4a097809ef840078e8b74112af6195f1a120a3ca565a10e62e99d2cdeb6e69",
    "notice_to_improve-1.yaml": "a78e9bf7fcf2963f267fffa549ec01e6d0eb0b5ef2393937820c11c43995b3a6",
    "pace_warning-1.yaml": "5028b515e4a177862d2aa89ab50105445b17d304b4faeda53083cdd34f9fcb52",
    "panel_invitation-1.yaml": "c1e070722e063e58bedcb9c8d1af4f3d9d271a08ad217939f619a6820d6b3e85",
    "panel_outcome-1.yaml": "e8154c5a1a00ac449a789f5dbce439f573ce4d8e7e5005a921ee7a59080e5070",
    "return_to_school_conversation-1.yaml": "990f39240e284c4399a4c5475aa060e97831ab908fd3f9ae7da980cc9b1ad249",  # noqa: E501
    "s439_school_notice-1.yaml": "3e259986bc3b08067d4174f8f8a88fc0c3bf4199c7881bc23208a12c532a7ae6",
    "sao1_notice-1.yaml": "1c2ce51aa45ed78d87fe1b209fde8c7ca1bb4bb1456bc84498cf3b2a8491d368",
    "sao2_notice_of_intention-1.yaml": "bb2489f1305907f530295b5ff4860a8d339eaaee1628073cd58a1aaa77ef0854",  # noqa: E501
    "sao3_order-1.yaml": "2951fcaa336822c8db28dd37557c6bee9b8bbf66e108e22d81bc2a6e55d6e07a",
    "unauthorised_holiday_letter-1.yaml": "44f7fbadb949496db3aaf1b03736dc2475ad7399b7964df5ab8c5ad4543b7af4",  # noqa: E501
    "letter-1.html": "061521f5088e27649356a868ec2ed057b7abea3ebe3fad5f45b38235fef17068",
    "letter-2.html": "5cd58a1527480490556f5eeeae01859ba66b0ebaad3ae7c9e3006223e9b75c7c",
    "letter-3.html": "355bec3efe01ce6ad560c4c546959cc65aea859b6e320c21037f773f67482d49",
}


@pytest.mark.parametrize("name", sorted(RELEASED))
def test_a_released_version_is_never_changed(name):
    folder = LAYOUT if name.endswith(".html") else catalogue.WORDING_DIR
    assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == RELEASED[name], (
        f"{name} has been letters' wording of record: put the change in a new version"
    )


def test_every_wording_file_is_released_and_loads():
    loaded = {w.file_name for versions in wordings().values() for w in versions}
    assert loaded == {name for name in RELEASED if name.endswith(".yaml")}


@pytest.mark.parametrize(
    "wording", [w for versions in wordings().values() for w in versions], ids=lambda w: w.reference
)
def test_each_wording_cites_listed_sources_and_belongs_to_a_profiles_letter(wording):
    assert unlisted(wording.source) == []
    assert any(wording.key in load_profile(key).letters for key in PROFILES)
    # Filled with every field it may use, no placeholder is left.
    every = {name: f"<{name}>" for name in wording.fields}
    for text in (wording.heading, *(p.text for p in wording.paragraphs)):
        assert "[not recorded]" not in fill(text, every)
    assert any(p.editable for p in wording.paragraphs)


@pytest.mark.parametrize("profile", available_profiles())
def test_every_letter_a_profile_names_has_wording(profile):
    # Letters to a school (Sefton's s439 notice, Leeds's case closure) have wording too, but
    # rollcall issues letters to parents only: test_letters_every_profile_names says so.
    letters = load_profile(profile).letters
    assert [key for key in letters if catalogue.latest_wording(key) is None] == []


def test_a_placeholder_the_letter_cannot_fill_stops_the_wording_loading(tmp_path, monkeypatch):
    (tmp_path / "oops-1.yaml").write_text(
        "key: oops\nversion: 1\nheading: Hello\nsource: WTISA\nneeds: []\n"
        "paragraphs:\n  - name: a\n    editable: true\n    text: 'On {meeting_day}'\n"
    )
    monkeypatch.setattr(catalogue, "WORDING_DIR", tmp_path)
    wordings.cache_clear()
    try:
        with pytest.raises(WordingError, match=r"\['meeting_day'\] cannot be filled"):
            wordings()
    finally:
        monkeypatch.undo()
        wordings.cache_clear()
