"""Passphrase strength feedback for people choosing the one secret that guards the vault."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UserError
from .i18n import N_, _

MIN_LENGTH = 8
LEVELS = (N_("Very weak"), N_("Weak"), N_("Fair"), N_("Strong"), N_("Very strong"))


@dataclass(frozen=True)
class Strength:
    score: int  # 0..4
    label: str
    advice: str
    acceptable: bool


def assess(passphrase: str, user_inputs: tuple[str, ...] = ()) -> Strength:
    if not passphrase:
        return Strength(0, _(LEVELS[0]), _("Choose a passphrase of several words."), False)
    from zxcvbn import zxcvbn  # ~40 ms to import: only when someone types a new passphrase

    # zxcvbn is slow on very long inputs and gains nothing past this length.
    result = zxcvbn(passphrase[:100], user_inputs=list(user_inputs))
    score = int(result["score"])
    if len(passphrase) < MIN_LENGTH:
        advice = _("Use at least {n} characters; several unrelated words are best.").format(
            n=MIN_LENGTH)
    elif score < 3:
        advice = _("Add another unrelated word or two.")
    else:
        advice = _("Good. Write it down somewhere safe, away from the laptop.")
    return Strength(score, _(LEVELS[score]), advice, len(passphrase) >= MIN_LENGTH and score >= 2)


def rejection() -> str:
    """Why a passphrase was refused: the same words in the CLI, the GUI and every API."""
    return _("This passphrase is too easy to guess: use at least {n} characters, best "
             "several unrelated words.").format(n=MIN_LENGTH)


def check(passphrase: str) -> None:
    """The one rule for every new passphrase (vault creation, passphrase change, recovery,
    HQ store, lock screen): at least ``MIN_LENGTH`` characters and a zxcvbn score of 2."""
    if not assess(passphrase).acceptable:
        raise UserError(rejection())
