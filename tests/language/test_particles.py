"""Korean particles after names: what a Korean reader expects to see, name by name."""

from __future__ import annotations

import pytest

from matchmaker.language.particles import Final, attach, final_sound, resolve_particles

# (text as a translation leaves it after interpolation, what a Korean reader expects)
CASES = [
    # Hangul without a final consonant
    ("빛고을셀테크이(가) 소개를 요청했습니다", "빛고을셀테크가 소개를 요청했습니다"),
    ("에이치투웨이을(를) 추천합니다", "에이치투웨이를 추천합니다"),
    ("카카오와(과) 만났습니다", "카카오와 만났습니다"),
    ("네이버은(는) 파트너입니다", "네이버는 파트너입니다"),
    ("현대자동차이(가) 검토 중입니다", "현대자동차가 검토 중입니다"),
    ("기아와(과) 함께", "기아와 함께"),
    ("광주(으)로 이전했습니다", "광주로 이전했습니다"),
    ("삼성전자(이)나 LG", "삼성전자나 LG"),
    # Hangul with a final consonant
    ("볼트버스 진단이(가) 소개를 요청했습니다", "볼트버스 진단이 소개를 요청했습니다"),
    ("볼트버스 진단와(과) 연결되었습니다", "볼트버스 진단과 연결되었습니다"),
    ("한국전력을(를) 만났습니다", "한국전력을 만났습니다"),
    ("부산(으)로 이전했습니다", "부산으로 이전했습니다"),
    ("김민준 님은(는)", "김민준 님은"),
    ("에너지밸리(이)라는 곳", "에너지밸리라는 곳"),
    ("첨단산업단지(이)라는 곳", "첨단산업단지라는 곳"),
    ("스마트팜(이)라는 곳", "스마트팜이라는 곳"),
    # Hangul ending in ㄹ: a consonant, but (으)로 takes 로
    ("서울(으)로 옮깁니다", "서울로 옮깁니다"),
    ("서울이(가) 가깝습니다", "서울이 가깝습니다"),
    ("빛고을을(를) 봅니다", "빛고을을 봅니다"),
    ("한국전력 본사 건물(으)로", "한국전력 본사 건물로"),
    # Latin names
    ("Amazon을(를) 추천합니다", "Amazon을 추천합니다"),
    ("Google이(가) 검토했습니다", "Google이 검토했습니다"),
    ("Google(으)로 보냅니다", "Google로 보냅니다"),
    ("HomeWatt과(와) 연결되었습니다", "HomeWatt과 연결되었습니다"),
    ("Rising Tide Fund이(가) 검토 중입니다", "Rising Tide Fund가 검토 중입니다"),
    ("Jane Park 님께 Jane Park을(를)", "Jane Park 님께 Jane Park를"),
    ("ForgeEye와(과) VoltCell을(를)", "ForgeEye와 VoltCell을"),
    ("CarbonLedger이(가)", "CarbonLedger가"),
    ("Microsoft와(과)", "Microsoft와"),
    ("Apple은(는)", "Apple은"),
    ("Tesla을(를)", "Tesla를"),
    ("Samsung(으)로", "Samsung으로"),
    ("Facebook이(가)", "Facebook이"),
    ("Lunit와(과)", "Lunit과"),
    ("Medtronic을(를)", "Medtronic을"),
    ("GitHub을(를)", "GitHub를"),
    ("SoftBank이(가)", "SoftBank가"),
    ("Intel(으)로", "Intel로"),
    ("Siemens와(과)", "Siemens와"),
    ("iPhone이(가)", "iPhone이"),
    ("LiDAR을(를) 씁니다", "LiDAR를 씁니다"),
    # Acronyms, read letter by letter
    ("NVIDIA을(를) 추천합니다", "NVIDIA를 추천합니다"),
    ("AI이(가) 진단합니다", "AI가 진단합니다"),
    ("EV을(를) 충전합니다", "EV를 충전합니다"),
    ("ESS와(과) 태양광", "ESS와 태양광"),
    ("LG이(가)", "LG가"),
    ("KT와(과)", "KT와"),
    ("SK이(가)", "SK가"),
    ("IBM이(가)", "IBM이"),
    ("HBM을(를)", "HBM을"),
    ("BMW(으)로", "BMW로"),
    ("OpenAI와(과)", "OpenAI와"),
    ("FuriosaAI을(를)", "FuriosaAI를"),
    ("5G을(를)", "5G를"),
    # Digits, read in Sino-Korean
    ("1이(가)", "1이"),
    ("2이(가)", "2가"),
    ("3을(를)", "3을"),
    ("6와(과)", "6과"),
    ("7(으)로", "7로"),
    ("8(으)로", "8로"),
    ("10을(를)", "10을"),
    ("20(으)로", "20으로"),
    ("100이(가)", "100이"),
    ("₩2,000,000,000이(가)", "₩2,000,000,000이"),
    ("0이(가)", "0이"),
    ("Industry 4.0(으)로", "Industry 4.0으로"),
    ("2026년은(는)", "2026년은"),
    ("2029을(를)", "2029를"),
    ("30%이(가)", "30%가"),
    ("10km을(를)", "10km를"),
    ("GPT-4을(를)", "GPT-4를"),
    # Quotes, brackets and punctuation are skipped
    ("“볼트버스 진단”이(가)", "“볼트버스 진단”이"),
    ('"HomeWatt"와(과)', '"HomeWatt"과'),
    ("「빛고을」을(를)", "「빛고을」을"),
    ("'NVIDIA'은(는)", "'NVIDIA'는"),
    ("국제연합(UN)은(는)", "국제연합(UN)은"),
    ("(삭제된 스타트업)이(가)", "(삭제된 스타트업)이"),
    ("VoltCell Inc.와(과)", "VoltCell Inc.와"),
    # Markup a rendered page puts between the name and the particle
    ("<strong>Amazon</strong>을(를)", "<strong>Amazon</strong>을"),
    ("&#34;볼트&#34;이(가)", "&#34;볼트&#34;가"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_marker_takes_the_form_its_word_needs(text: str, expected: str) -> None:
    assert resolve_particles(text) == expected


def test_at_least_fifty_names_are_checked() -> None:
    assert len(CASES) >= 50


def test_every_marker_order_is_resolved() -> None:
    assert resolve_particles("서울가(이) 서울를(을) 서울는(은) 서울과(와)") == "서울이 서울을 서울은 서울과"
    resolved = resolve_particles("부산(이)나 부산(이)라 부산(이)랑 부산(이)며")
    assert resolved == "부산이나 부산이라 부산이랑 부산이며"
    assert resolve_particles("광주(이)에요") == "광주예요"


def test_unreadable_words_keep_the_fallback() -> None:
    # An emoji or Hanja cannot be read for its final sound: the fallback stays, which is still correct Korean.
    assert resolve_particles("🙂이(가)") == "🙂이(가)"
    assert resolve_particles("光州(으)로") == "光州(으)로"
    # A marker that is not attached to a word is left alone.
    assert resolve_particles("이(가) 없음") == "이(가) 없음"
    assert resolve_particles("이름 을(를)") == "이름 을(를)"


def test_text_without_markers_is_unchanged() -> None:
    for text in ["", "안녕하십니까", "Amazon (US)", "괄호(설명)는 그대로", "가(나)다"]:
        assert resolve_particles(text) == text


def test_several_names_in_one_sentence() -> None:
    text = "NVIDIA이(가) 볼트버스 진단을(를) 검토했고 HomeWatt와(과) 서울(으)로 갑니다"
    assert resolve_particles(text) == "NVIDIA가 볼트버스 진단을 검토했고 HomeWatt과 서울로 갑니다"


def test_attach_and_final_sound() -> None:
    assert attach("서울", "으로") == "서울로"
    assert attach("부산", "로") == "부산으로"
    assert attach("Amazon", "를") == "Amazon을"
    assert attach("🙂", "이") == "🙂이(가)"
    assert attach("🙂", "으로") == "🙂(으)로"
    assert final_sound("빛고을") is Final.RIEUL
    assert final_sound("AI") is Final.VOWEL
    assert final_sound("") is None
