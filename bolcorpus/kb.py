"""The curated entity knowledge base (``configs/kb/entities.yml``) and alias lookup.

>>> kb = KnowledgeBase([KBEntity(id="mnr", name="Movimiento Nacionalista Revolucionario",
...                              type="ORG", aliases=("MNR", "mnr"))])
>>> kb.link("the MNR's"), kb.link("Movimiento Nacionalista Revolucionario"), kb.link("PCB")
('mnr', 'mnr', None)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from bolcorpus.errors import ConfigError

MENTION_NOISE_RE = re.compile(r"^(?:the|The)\s+|['’]s?$")
NEAR_MIN_CHARS = 10  # shorter names are one edit from too many other words ("Siles" / "Sales")


class KBEntity(BaseModel):
    """One knowledge-base entity; see ``configs/kb/README.md`` for the field rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    domain_aliases: tuple[str, ...] = ()
    qid: str | None = None
    description: str | None = None


class KnowledgeBase:
    """Entities by id, and an index from each unambiguous surface form to its id."""

    def __init__(self, entities: Iterable[KBEntity]) -> None:
        self.entities = {e.id: e for e in entities}
        self._index: dict[str, str] = {}
        self._ambiguous: dict[str, set[str]] = {}
        self._domain: dict[str, str] = {}
        for entity in self.entities.values():
            for form in (entity.name, *entity.aliases):
                self._index.setdefault(_fold(form), entity.id)
            for form in entity.ambiguous_aliases:
                self._ambiguous.setdefault(_fold(form), set()).add(entity.id)
            for form in entity.domain_aliases:
                self._domain.setdefault(_fold(form), entity.id)
        self._names = [form for form in self._index if " " in form]  # the forms :meth:`near` matches against

    def link(self, mention: str) -> str | None:
        """The id of the entity ``mention`` names unambiguously, else ``None``."""
        return self._index.get(_key(mention))

    def domain(self, mention: str) -> str | None:
        """The id of the entity ``mention`` names in a text on the corpus's subject ("Army": the
        Bolivian Army in a text on Bolivia, another army elsewhere), else ``None``."""
        return self._domain.get(_key(mention))

    def near(self, mention: str) -> str | None:
        """The id of the one entity with a name or alias of two or more words and ten or more
        letters one edit from ``mention`` (OCR damage the repair left: "Carcia Meza"), else ``None``.

        >>> kb = KnowledgeBase([KBEntity(id="g", name="Luis García Meza", type="PERSON", aliases=("Garcia Meza",))])
        >>> kb.near("Carcia Meza"), kb.near("Garcia Mesa de"), kb.near("Meza")
        ('g', None, None)
        """
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = _key(mention)
        if len(key) < NEAR_MIN_CHARS or " " not in key:
            return None
        near = process.extract(key, self._names, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
        hits = {self._index[form] for form, _, _ in near}
        return hits.pop() if len(hits) == 1 else None

    def ambiguous(self, mention: str) -> set[str]:
        """The ids of the entities ``mention`` may name ("Paz": the person, not La Paz)."""
        return self._ambiguous.get(_key(mention), set())


def load_kb(path: Path) -> KnowledgeBase:
    """Load and validate a knowledge-base YAML file (a list of entities)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: cannot read the knowledge base ({e}); fix the file") from None
    entities, seen = [], set()
    for n, item in enumerate(data if isinstance(data, list) else [data], start=1):
        try:
            entity = KBEntity.model_validate(item)
        except ValidationError as e:
            problems = "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
            raise ConfigError(f"{path}: entity {n} is invalid ({problems})") from None
        if entity.id in seen:
            raise ConfigError(f"{path}: entity id {entity.id!r} is used twice; ids must be unique")
        seen.add(entity.id)
        entities.append(entity)
    return KnowledgeBase(entities)


def _key(mention: str) -> str:
    return _fold(MENTION_NOISE_RE.sub("", mention.strip()))


def _fold(text: str) -> str:
    """Accent-insensitive, space-normalised form ("Lechín" and "Lechin" match; case kept)."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
