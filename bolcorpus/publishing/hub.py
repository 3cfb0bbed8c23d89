"""Push a published version to the Hugging Face Hub and tag the commit with its version.

The version folder is verified against its manifest first, then uploaded to the root of
a dataset repository (the Parquet files of older versions are replaced), and the commit
is tagged ``v<version>``, so ``load_dataset(repo_id, revision="v0.1.0")`` gets exactly
this version. A tag that exists already is left alone when it holds the same content
(same fingerprint) and refused otherwise: published versions never change.

It needs the network and a token with write access (``hf auth login`` or ``HF_TOKEN``).
The client is any object with the methods of ``huggingface_hub.HfApi`` used here; tests
pass a fake one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bolcorpus.errors import PublishError
from bolcorpus.publishing.verify import MANIFEST, verify

REPO_TYPE = "dataset"


def push(version_dir: Path, repo_id: str, *, client: Any = None, private: bool = False) -> str:
    """Upload ``version_dir`` to ``repo_id`` and tag it; returns the tag (``v0.1.0``).

    Raises :class:`PublishError` naming what went wrong and what to do.
    """
    problems = verify(version_dir)
    if problems:
        raise PublishError(f"{version_dir}: does not match its manifest, so it was not pushed: "
                           + "; ".join(problems[:5]) + " — publish it again from the pipeline")
    manifest = json.loads((version_dir / MANIFEST).read_text(encoding="utf-8"))
    tag = f"v{manifest['version']}"
    if client is None:
        from huggingface_hub import HfApi

        client = HfApi()
    try:
        client.create_repo(repo_id, repo_type=REPO_TYPE, private=private, exist_ok=True)
        tags = {ref.name for ref in client.list_repo_refs(repo_id, repo_type=REPO_TYPE).tags}
        if tag in tags:
            _check_same(client, repo_id, tag, manifest["fingerprint"])
            return tag
        commit = client.upload_folder(
            repo_id=repo_id, folder_path=version_dir, repo_type=REPO_TYPE,
            commit_message=f"{manifest['name']} {manifest['version']}",
            delete_patterns=["*/*.parquet"],  # files of the previous version that this one no longer has
        )
        client.create_tag(repo_id, tag=tag, revision=commit.oid, repo_type=REPO_TYPE,
                          tag_message=f"{manifest['name']} {manifest['version']} ({manifest['fingerprint'][:12]})")
    except PublishError:
        raise
    except Exception as e:  # the client's network, authentication and HTTP errors differ by version
        raise PublishError(f"{repo_id}: pushing {version_dir} to the Hub failed ({type(e).__name__}: {e}); check "
                           "the network and your token (hf auth login, or HF_TOKEN), then push again") from e
    return tag


def _check_same(client: Any, repo_id: str, tag: str, fingerprint: str) -> None:
    path = client.hf_hub_download(repo_id, MANIFEST, repo_type=REPO_TYPE, revision=tag)
    if json.loads(Path(path).read_text(encoding="utf-8")).get("fingerprint") != fingerprint:
        raise PublishError(f"{repo_id}: tag {tag} already holds different content (published versions never "
                           "change); publish under a new version (--bump) and push that")
