"""Delivery channels. E-mail is the only one; a new channel subclasses Channel and registers here."""

from notifications.channels.base import Channel, ChannelSession, SendResult
from notifications.channels.email import EmailChannel

CHANNELS: dict[str, type[Channel]] = {"email": EmailChannel}


def get_channel(name: str) -> Channel:
    return CHANNELS[name]()


__all__ = ["CHANNELS", "Channel", "ChannelSession", "SendResult", "get_channel"]
