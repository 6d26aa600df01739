# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ofsted-record)
#     language: python
#     name: ofsted-record
# ---

# %% [raw]
# ---
# title: "6. Claims checked"
# subtitle: "What was said about failing children's services, the query that tests each claim, the result and the verdict"
# ---

# %% [markdown]
# **What this notebook does.** Each claim from the reporting of the time is checked by a
# function in `ofsted_record.warehouse.claims`. The function runs its query against the
# warehouse and chooses the verdict by comparing the result with the claim, so no verdict is
# typed in. Verdicts (as documented on `ClaimResult.verdict`): *supported*, *broadly
# supported*, *partly supported*, *not supported*, *cannot be settled*.

# %% tags=["parameters"]
verdict = ""  # show only claims with this verdict, e.g. "not supported"; blank: all

# %% Setup
import pandas as pd
from IPython.display import Markdown, display

from ofsted_record.notebooks import setup_display
from ofsted_record.warehouse import claims, connect

setup_display()
con = connect()


def say(text: str) -> None:
    display(Markdown(text))


results = claims.check_all(con)
assert all(r.verdict in claims.VERDICTS for r in results), [r.verdict for r in results]
assert all(r.finding and r.query for r in results)
assert len({r.slug for r in results}) == len(results), "claim slugs are unique"
if verdict and verdict not in claims.VERDICTS:
    raise ValueError(f"verdict={verdict!r}: choose one of {', '.join(claims.VERDICTS)}")
results = [r for r in results if not verdict or r.verdict == verdict]

# %% [markdown]
# ## Summary

# %%
summary = pd.DataFrame(
    [{"claim": r.claim, "said by": r.said_by, "verdict": r.verdict} for r in results],
    index=[r.slug for r in results],
)
print(summary["verdict"].value_counts().to_string())
summary


# %% [markdown]
# ## Each claim: the finding, the figures and the query


# %%
def show(result: claims.ClaimResult) -> None:
    say(
        f"### “{result.claim}”\n\n*{result.said_by}* — verdict: **{result.verdict}**\n\n"
        f"{result.finding}"
    )
    display(pd.Series(result.figures, name="value", dtype=object).to_frame())
    say(f"```sql\n{result.query.strip()}\n```")
    if result.table is not None:
        display(result.table.head(15))


for result in results:
    show(result)
