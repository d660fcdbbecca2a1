import pytest

from sourcecheck.analysis import mentions_from
from sourcecheck.entities import fold, lookup


def test_fold_ignores_case_accents_and_article():
    assert fold("İnönü") == fold("Inonu") == "inonu"
    assert fold("the Red Army") == fold("Red Army")


def test_gazetteer_aliases_share_one_id():
    assert lookup("Hitler-Stalin Pact").id == lookup("Molotov–Ribbentrop Pact").id == "event/molotov-ribbentrop-pact"
    assert lookup("Stalin").kind == "person"
    assert lookup("Narkomindel").kind == "organisation"
    assert lookup("no such thing") is None


@pytest.fixture(scope="module")
def nlp():
    from sourcecheck.models import spacy_pipeline

    return spacy_pipeline()


def kinds(nlp, text):
    return {m.text: (m.kind, m.entity_id) for m in mentions_from(nlp(text))}


@pytest.mark.slow
def test_historical_blind_spots_are_corrected(nlp):
    found = kinds(nlp, "Operation Barbarossa began in 1941. İnönü met Churchill at Adana. The Wehrmacht reached the Volga near Stalingrad. The Narkomindel denied it, and the Kremlin said nothing.")
    assert found["Operation Barbarossa"] == ("event", "event/operation-barbarossa")
    assert found["İnönü"] == ("person", "person/ismet-inonu")
    assert found["Wehrmacht"][0] == "organisation"
    assert found["Volga"] == ("place", "place/volga")
    assert found["Stalingrad"] == ("place", "place/stalingrad")
    assert found["Narkomindel"][0] == "organisation"
    assert found["Kremlin"][0] == "organisation"


@pytest.mark.slow
def test_event_templates_without_gazetteer_entry(nlp):
    found = kinds(nlp, "The Siege of Tobruk and Operation Crusader preceded the Battle of Gazala. The Treaty of Riga ended that war.")
    for name in ("Siege of Tobruk", "Operation Crusader", "Battle of Gazala", "Treaty of Riga"):
        assert found[name][0] == "event", (name, found)


@pytest.mark.slow
def test_surname_links_to_full_name_in_same_document(nlp):
    found = kinds(nlp, "General Walter Krueger landed at Leyte in 1944. Later Krueger moved to Luzon.")
    assert found["Krueger"][1] == found["Walter Krueger"][1] == "doc/person/walter-krueger"


def test_fold_handles_letters_nfkd_cannot_split():
    assert fold("Gomułka") == "gomulka"


@pytest.mark.slow
def test_red_army_keeps_its_article_and_id(nlp):
    found = kinds(nlp, "The victory at Kursk belonged to the Red Army.")
    assert found["the Red Army"] == ("organisation", "organisation/red-army")
