"""What a notice may prohibit (app/domain/prohibitions.py): CSA 2010 s.24(6)-(8).

Molestation is always prohibited; the premises provisions follow in the Act's order. The
legal wording names the victim and the premises; the plain words, used in texts to P, never
do.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.prohibitions import (
    LABELS,
    MANDATORY,
    MAX_DISTANCE_METRES,
    ORDER,
    Prohibition,
    ProhibitionKind,
    prohibitions_from_data,
)

K = ProhibitionKind
VICTIM = "Claire Hargreaves"
PREMISES = "14 Aldous Crescent, Northfield NF3 2QT"

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12).map(str.capitalize)
_REAL_NAMES = st.sampled_from([
    "Claire Hargreaves", "Aisha Rahman", "Siobhán Ní Bhriain", "Zoë O'Neill-Smith", "Jean-Luc Dubois",
    "Nguyễn Thị Lan", "Ada Lovelace", "Mo Farah",
])
NAMES = st.one_of(
    _REAL_NAMES,
    st.builds("{} {}".format, _WORD, _WORD),
    st.builds("{} {} {}".format, _WORD, _WORD, _WORD),
)
_POSTCODE = st.builds(
    "{}{}{} {}{}{}".format,
    st.sampled_from(["NF", "SG", "EB", "WH", "M", "B", "LS", "E", "SW"]),
    st.integers(1, 29), st.sampled_from(["", "A"]), st.integers(0, 9),
    st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"), st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"),
)
ADDRESSES = st.builds(
    "{}{} {} {}, {} {}".format,
    st.sampled_from(["", "Flat 6, ", "Flat 2B, "]),
    st.integers(1, 999), _WORD, st.sampled_from(["Road", "Street", "Lane", "Crescent", "Close", "Avenue"]),
    _WORD, _POSTCODE,
)
KINDS = st.sampled_from(list(ProhibitionKind))
DISTANCES = st.integers(1, MAX_DISTANCE_METRES)


def kinds_of(prohibitions: list[Prohibition]) -> list[ProhibitionKind]:
    return [p.kind for p in prohibitions]


# -- the Act's list ------------------------------------------------------------------------


def test_order_is_the_acts_order_molestation_first():
    # s.24(6) molestation; (a DAPN's s.23(1)(a) no contact;) s.24(8)(a) evict or exclude,
    # (b) enter, (c) leave, (d) come within.
    assert ORDER == (K.NO_MOLEST, K.NO_CONTACT, K.NO_EVICT, K.NO_ENTER, K.LEAVE, K.NO_COME_WITHIN)
    assert ORDER[0] is MANDATORY is K.NO_MOLEST


def test_every_kind_has_a_distinct_label_and_molestation_says_it_is_always_included():
    assert set(LABELS) == set(ProhibitionKind)
    assert len(set(LABELS.values())) == len(LABELS)
    assert "always included" in LABELS[K.NO_MOLEST]
    assert not any("always included" in LABELS[k] for k in ORDER[1:])


def test_max_distance_is_5000_metres():
    assert MAX_DISTANCE_METRES == 5000


# -- prohibitions_from_data ----------------------------------------------------------------


@pytest.mark.parametrize("data", [{}, {"kinds": []}, {"kinds": ["no_molest"]}])
def test_molestation_alone_when_nothing_else_chosen(data):
    assert prohibitions_from_data(data) == [Prohibition(K.NO_MOLEST, "", None)]


def test_molestation_is_added_first_even_when_not_chosen():
    result = prohibitions_from_data({"kinds": ["no_come_within", "no_enter"], "distance_metres": 100})
    assert kinds_of(result) == [K.NO_MOLEST, K.NO_ENTER, K.NO_COME_WITHIN]


def test_the_demo_applications_prohibitions():
    data = {
        "kinds": ["no_molest", "no_enter", "no_come_within"],
        "justifications": {"no_enter": "The assaults took place at the home.",
                           "no_come_within": "He has waited outside before."},
        "distance_metres": 100,
    }
    assert prohibitions_from_data(data) == [
        Prohibition(K.NO_MOLEST, "", None),
        Prohibition(K.NO_ENTER, "The assaults took place at the home.", None),
        Prohibition(K.NO_COME_WITHIN, "He has waited outside before.", 100),
    ]


def test_all_five_in_the_acts_order_whatever_order_they_were_ticked():
    data = {"kinds": ["no_come_within", "leave", "no_enter", "no_evict", "no_molest"], "distance_metres": 250}
    assert kinds_of(prohibitions_from_data(data)) == [k for k in ORDER if k is not K.NO_CONTACT]


def test_a_kind_ticked_twice_appears_once():
    assert kinds_of(prohibitions_from_data({"kinds": ["leave", "leave", "no_molest", "no_molest"]})) == [
        K.NO_MOLEST, K.LEAVE,
    ]


def test_distance_is_carried_only_by_the_come_within_prohibition():
    result = prohibitions_from_data({"kinds": [k.value for k in ORDER], "distance_metres": 300})
    assert {p.kind: p.distance_metres for p in result} == {
        K.NO_MOLEST: None, K.NO_CONTACT: None, K.NO_EVICT: None, K.NO_ENTER: None, K.LEAVE: None, K.NO_COME_WITHIN: 300,
    }


def test_a_stale_distance_without_come_within_is_dropped():
    result = prohibitions_from_data({"kinds": ["no_enter"], "distance_metres": 300})
    assert all(p.distance_metres is None for p in result)


def test_missing_justifications_are_empty_strings():
    result = prohibitions_from_data({"kinds": ["no_enter", "leave"], "justifications": {"leave": "Lives there."}})
    assert {p.kind: p.justification for p in result} == {K.NO_MOLEST: "", K.NO_ENTER: "", K.LEAVE: "Lives there."}


def test_justification_for_molestation_is_kept_if_given():
    result = prohibitions_from_data({"kinds": [], "justifications": {"no_molest": "Repeated texts."}})
    assert result == [Prohibition(K.NO_MOLEST, "Repeated texts.", None)]


def test_an_unknown_kind_raises():
    with pytest.raises(ValueError):
        prohibitions_from_data({"kinds": ["no_such_provision"]})


@settings(max_examples=80, deadline=None)
@given(chosen=st.lists(KINDS, max_size=8), distance=DISTANCES)
def test_property_molestation_first_then_the_acts_order(chosen, distance):
    data = {"kinds": [k.value for k in chosen], "distance_metres": distance,
            "justifications": {k.value: f"because {k.value}" for k in chosen}}
    result = prohibitions_from_data(data)
    kinds = kinds_of(result)
    assert kinds[0] is K.NO_MOLEST
    assert kinds == sorted(kinds, key=ORDER.index)
    assert len(kinds) == len(set(kinds))
    assert set(kinds) == set(chosen) | {K.NO_MOLEST}
    for p in result:
        assert p.distance_metres == (distance if p.kind is K.NO_COME_WITHIN else None)
        assert p.justification == (f"because {p.kind.value}" if p.kind in chosen else "")


# -- legal wording -------------------------------------------------------------------------


def test_legal_wording_of_each_prohibition():
    assert Prohibition(K.NO_MOLEST).legal_wording(VICTIM, PREMISES) == f"You must not molest {VICTIM}."
    assert Prohibition(K.NO_EVICT).legal_wording(VICTIM, PREMISES) == (
        f"You must not evict or exclude {VICTIM} from {PREMISES}."
    )
    assert Prohibition(K.NO_ENTER).legal_wording(VICTIM, PREMISES) == f"You must not enter {PREMISES}."
    assert Prohibition(K.LEAVE).legal_wording(VICTIM, PREMISES) == f"You must leave {PREMISES}."
    assert Prohibition(K.NO_COME_WITHIN, distance_metres=100).legal_wording(VICTIM, PREMISES) == (
        f"You must not come within 100 metres of {PREMISES}."
    )


@settings(max_examples=60, deadline=None)
@given(kind=KINDS, victim=NAMES, premises=ADDRESSES, distance=DISTANCES)
def test_property_legal_wording_names_who_and_where_the_act_requires(kind, victim, premises, distance):
    wording = Prohibition(kind, distance_metres=distance).legal_wording(victim, premises)
    assert wording.startswith("You must ") and wording.endswith(".")
    names_victim = kind in {K.NO_MOLEST, K.NO_CONTACT, K.NO_EVICT}
    names_premises = kind not in {K.NO_MOLEST, K.NO_CONTACT}
    assert (victim in wording) is names_victim
    assert (premises in wording) is names_premises
    if kind is K.NO_COME_WITHIN:
        assert f"{distance} metres" in wording


# -- plain words (for texts to P) ----------------------------------------------------------


@pytest.mark.parametrize("kind", list(ProhibitionKind), ids=[k.value for k in ProhibitionKind])
def test_plain_words_are_a_sentence_for_every_kind(kind):
    words = Prohibition(kind, distance_metres=100).plain_words()
    assert words[0].isupper() and words.endswith(".")
    assert VICTIM not in words and PREMISES not in words


def test_plain_words_are_different_for_each_kind():
    words = {Prohibition(k, distance_metres=100).plain_words() for k in ProhibitionKind}
    assert len(words) == len(ProhibitionKind)


def test_plain_words_for_come_within_say_the_distance():
    assert Prohibition(K.NO_COME_WITHIN, distance_metres=250).plain_words() == (
        "Do not go within 250 metres of the address named in the order."
    )


@settings(max_examples=100, deadline=None)
@given(kind=KINDS, victim=NAMES, premises=ADDRESSES, distance=DISTANCES)
def test_property_plain_words_never_name_the_victim_or_the_premises(kind, victim, premises, distance):
    # Even when the justification, written by the officer, names them both.
    prohibition = Prohibition(kind, justification=f"{victim} lives at {premises} and is frightened.",
                              distance_metres=distance)
    words = prohibition.plain_words()
    assert victim not in words
    assert premises not in words
    surname = victim.split()[-1]
    assert surname not in words
    postcode = " ".join(premises.split()[-2:])
    assert postcode not in words
    street = premises.split(",")[0]
    assert street not in words
    if kind is K.NO_COME_WITHIN:
        assert f"{distance} metres" in words
    # The plain words depend only on the kind and the distance.
    assert words == Prohibition(kind, distance_metres=distance).plain_words()


def test_prohibitions_from_data_then_plain_words_never_leak_the_justification():
    data = {"kinds": [k.value for k in ORDER], "distance_metres": 75,
            "justifications": {k.value: f"{VICTIM} at {PREMISES}" for k in ORDER}}
    for prohibition in prohibitions_from_data(data):
        words = prohibition.plain_words()
        assert VICTIM not in words and PREMISES not in words and "Hargreaves" not in words
