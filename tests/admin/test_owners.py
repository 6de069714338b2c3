"""Who owns the bot: the application's owner and team, fetched once, plus NAZH_OWNER_IDS."""

from __future__ import annotations

import hikari
import pytest

from nazh.owners import Owners

OWNER, MEMBER, OTHER_MEMBER, EXTRA, STRANGER = 101, 102, 103, 104, 105


def _user(user_id: int) -> dict[str, object]:
    return {"id": str(user_id), "username": f"u{user_id}", "discriminator": "0", "avatar": None}


def _application(*, team: tuple[int, ...] | None) -> hikari.Application:
    bot = hikari.GatewayBot("NDI.token.never-used", banner=None, logs=None)
    members = [
        {"membership_state": 2, "permissions": ["*"], "team_id": "900", "user": _user(member)}
        for member in team or ()
    ]
    return bot.entity_factory.deserialize_application(
        {
            "id": "42",
            "name": "Nazh",
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "00",
            "flags": 0,
            "owner": _user(OWNER),
            "team": None
            if team is None
            else {
                "id": "900",
                "name": "t",
                "icon": None,
                "members": members,
                "owner_user_id": "102",
            },
            "approximate_guild_count": 1,
            "approximate_user_install_count": 0,
        }
    )


class FakeDiscord:
    """``fetch_application`` answering from a script: an application, or an error to raise."""

    def __init__(self, *answers: hikari.Application | hikari.HikariError) -> None:
        self.answers = list(answers)
        self.fetches = 0

    async def fetch_application(self) -> hikari.Application:
        self.fetches += 1
        answer = self.answers.pop(0)
        if isinstance(answer, hikari.HikariError):
            raise answer
        return answer


async def test_the_owner_team_and_extra_ids_own_the_bot_others_do_not() -> None:
    discord = FakeDiscord(_application(team=(MEMBER, OTHER_MEMBER)))
    owners = Owners(discord.fetch_application, extra_ids={EXTRA})

    answers = {user: await owners.includes(user) for user in (OWNER, MEMBER, EXTRA, STRANGER)}

    assert answers == {OWNER: True, MEMBER: True, EXTRA: True, STRANGER: False}
    assert await owners.application_owner_ids() == {OWNER, MEMBER, OTHER_MEMBER}
    assert discord.fetches == 1


async def test_without_a_team_only_the_owner_and_extra_ids_own_the_bot() -> None:
    owners = Owners(FakeDiscord(_application(team=None)).fetch_application, extra_ids={EXTRA})

    assert await owners.application_owner_ids() == {OWNER}
    assert not await owners.includes(MEMBER)


async def test_extra_ids_are_answered_without_discord() -> None:
    discord = FakeDiscord()
    owners = Owners(discord.fetch_application, extra_ids={EXTRA})

    assert await owners.includes(hikari.Snowflake(EXTRA))
    assert discord.fetches == 0


async def test_a_failed_fetch_is_not_remembered() -> None:
    discord = FakeDiscord(hikari.ComponentStateConflictError("down"), _application(team=None))
    owners = Owners(discord.fetch_application)

    with pytest.raises(hikari.ComponentStateConflictError):
        await owners.includes(OWNER)
    assert await owners.includes(OWNER)
    assert discord.fetches == 2
