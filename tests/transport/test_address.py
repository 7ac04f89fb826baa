"""Viewer addresses: the accepted forms and clear errors for the rest."""

from __future__ import annotations

import pytest

from rerun.transport.address import Address, parse_address


@pytest.mark.parametrize(
    "text, host, port, local",
    [
        (None, "127.0.0.1", 9876, True),
        ("127.0.0.1:9000", "127.0.0.1", 9000, True),
        ("localhost", "localhost", 9876, True),
        ("localhost:1234", "localhost", 1234, True),
        ("[::1]:9877", "::1", 9877, True),
        ("::1", "::1", 9876, True),
        ("tcp://10.0.0.5:80", "10.0.0.5", 80, False),
        ("viewer.example.com:5000", "viewer.example.com", 5000, False),
        ("192.168.1.20", "192.168.1.20", 9876, False),
    ],
)
def test_accepted_forms(text, host, port, local):
    address = parse_address(text)
    assert address == Address(host, port)
    assert address.is_local() is local


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("127.0.0.1:", "port number"),
        ("127.0.0.1:abc", "port number"),
        ("127.0.0.1:70000", "1..65535"),
        ("127.0.0.1:0", "1..65535"),
        ("[::1", "unclosed"),
        ("[::1]9876", "':port'"),
        ("[nothex::zz]:1", "not a valid IPv6"),
        (":9876", "missing host"),
        ("a b:1", "not a valid host"),
        ("1:2:3:zz", "not a valid IPv6"),
    ],
)
def test_bad_addresses_name_the_argument_and_quote_it(text, fragment):
    with pytest.raises(ValueError, match="addr") as info:
        parse_address(text)
    assert fragment in str(info.value)
    assert repr(text) in str(info.value)


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="addr"):
        parse_address(9876)


def test_connect_rejects_a_bad_address_at_once(caplog):
    import logging

    import rerun as rr
    from rerun import _session

    sink = _session.get_sink()
    with caplog.at_level(logging.WARNING, logger="rerun"):
        rr.connect("nope:port")  # default: warned and dropped, logging stays buffered
    assert _session.get_sink() is sink
    assert any("rr.connect" in r.getMessage() and "'nope:port'" in r.getMessage() for r in caplog.records)
    rr.set_strict_mode(True)
    try:
        with pytest.raises(ValueError, match="'nope:port'"):
            rr.connect("nope:port")
    finally:
        rr.set_strict_mode(False)
