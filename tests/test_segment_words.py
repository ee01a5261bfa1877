"""The trie that holds jieba's words (``segment.Words``) segments exactly as jieba's own dictionary does.

It replaces jieba's prefix dictionary only to load faster; a single word
cut differently would change the classifier's features, so every text of
the corpus and of the training data is cut both ways and compared.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from analyzer import resources
from analyzer.narrative import segment

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def jieba_own():
    jieba = segment._import_jieba()
    tok = jieba.Tokenizer()
    tok.tmp_dir = tempfile.gettempdir()
    tok.initialize()
    tok.load_userdict(str(resources.model_file("userdict.txt")))
    return tok


def _texts() -> list[str]:
    files = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "data" / "narrative").glob("*.tsv"))
    texts = [f.read_text(encoding="utf-8", errors="ignore") for f in files]
    # Text that is not a report: Latin words, digits, symbols jieba treats as part of words, odd characters.
    texts.append("2023年度GDP增长5.5%，C++与Python、e-mail地址a.b@c.cn；①②③〇〇一；信息公开 平台\u3000建设")
    return texts


def test_words_cut_as_jiebas_own_dictionary(jieba_own):
    ours = segment.get_tokenizer()
    assert isinstance(ours.FREQ, segment.Words)
    texts = _texts()
    assert sum(map(len, texts)) > 100_000
    for text in texts:
        assert ours.lcut(text, HMM=False) == jieba_own.lcut(text, HMM=False)
        assert ours.lcut(text) == jieba_own.lcut(text)  # with HMM: spaCy's tokenizer cuts this way


def test_words_answer_as_jiebas_dictionary(jieba_own):
    words = segment.get_tokenizer().FREQ
    assert words.total == jieba_own.total
    for key in ["政府信息公开", "信息", "政府信息", "依申请公开", "政", "的", "朝阳区", "zzz", "", "天气很好啊啊"]:
        assert (key in words) == (key in jieba_own.FREQ), key
        assert words.get(key) == jieba_own.FREQ.get(key), key


def test_damaged_word_file_is_rebuilt(tmp_path):
    jieba = segment._import_jieba()
    userdict = resources.model_file("userdict.txt")
    first = segment.Words.cached(jieba, userdict, str(tmp_path))
    [path] = tmp_path.glob("analyzer-jieba-*.words")
    path.write_bytes(path.read_bytes()[:1000])  # cut short, as by a full disk
    again = segment.Words.cached(jieba, userdict, str(tmp_path))
    assert again is not None and len(again) == len(first) and again.total == first.total
    assert path.stat().st_size > 1000


def test_unwritable_folder_falls_back_to_jieba(tmp_path):
    jieba = segment._import_jieba()
    missing = tmp_path / "no" / "such" / "folder"
    assert segment.Words.cached(jieba, resources.model_file("userdict.txt"), str(missing)) is None
