"""Every registered rule and stage, in one place (see :mod:`bolcorpus.registry`).

Names are namespaced and versioned: change a rule's behaviour, register a new version.
"""

from bolcorpus import ner
from bolcorpus.registry import rules, stages
from bolcorpus.repair import rules as repair_rules
from bolcorpus.repair.context import correct_in_context
from bolcorpus.repair.segmentation import resegment_words
from bolcorpus.stages.entities import Entities
from bolcorpus.stages.ingest import Ingest
from bolcorpus.stages.publish import Publish
from bolcorpus.stages.repair import Repair
from bolcorpus.stages.segment import Segment
from bolcorpus.stages.stance import StanceStage

rules.register("repair.newlines.v1", repair_rules.normalize_newlines)
rules.register("repair.unicode.v1", repair_rules.fix_unicode)
rules.register("repair.dehyphenate.v1", repair_rules.join_hyphenated_linebreaks)
rules.register("repair.unwrap.v1", repair_rules.unwrap_lines)
rules.register("repair.furniture.v1", repair_rules.remove_furniture)
rules.register("repair.footnotes.v1", repair_rules.strip_footnote_markers)
rules.register("repair.punctuation.v1", repair_rules.fix_punctuation_spacing)
rules.register("repair.split_words.v1", repair_rules.merge_split_words)
rules.register("repair.lost_hyphens.v1", repair_rules.restore_lost_hyphens)
rules.register("repair.confusions.v1", repair_rules.fix_ocr_confusions)
rules.register("repair.numbers.v1", repair_rules.fix_number_confusions)
rules.register("repair.acronyms.v1", repair_rules.restore_acronyms)
rules.register("repair.context.v1", correct_in_context)
rules.register("repair.segmentation.v1", resegment_words)

ner.register_components()

for stage in (Ingest, Repair, Segment, Entities, StanceStage, Publish):
    stages.register(stage.name, stage)
