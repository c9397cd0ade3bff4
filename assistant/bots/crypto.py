"""Each platform's signature and encryption scheme, exactly as its documentation defines it.

- WeCom (企业微信): msg_signature = sha1 of the sorted, concatenated [token, timestamp, nonce, encrypt];
  AES-256-CBC with key = base64(EncodingAESKey + "="), IV = key[:16], PKCS#7 padded to 32 bytes;
  plaintext = 16 random bytes + 4-byte big-endian length + message + receiveid (the corp id).
- Feishu/Lark: key = sha256(Encrypt Key); ciphertext = base64(IV(16) + AES-256-CBC, PKCS#7);
  X-Lark-Signature = sha256 hex of timestamp + nonce + Encrypt Key + raw body.
- Slack: X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}").
- DingTalk (钉钉): sign = base64(HMAC-SHA256(appSecret, timestamp + "\\n" + appSecret)).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class CryptoError(ValueError):
    """A ciphertext that does not decrypt to a well-formed message (wrong key, tampering, garbage)."""


def same(given: str, expected: str) -> bool:
    """Constant-time comparison, so a forger learns nothing from how fast a guess is refused."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def wecom_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode("utf-8")).hexdigest()


def wecom_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key behind the 43-character EncodingAESKey; ValueError if it is not one."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("EncodingAESKey is not base64") from exc
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 characters (32 bytes once decoded)")
    return key


def wecom_decrypt(key: bytes, encrypt: str) -> tuple[bytes, str]:
    """(message, receiveid) from a WeCom ciphertext."""
    plain = _unpad(_aes_cbc(key, key[:16], _b64(encrypt), decrypt=True), 32)
    if len(plain) < 20:
        raise CryptoError("plaintext too short")
    (length,) = struct.unpack(">I", plain[16:20])
    if 20 + length > len(plain):
        raise CryptoError("message length exceeds the plaintext")
    try:
        receive_id = plain[20 + length:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CryptoError("receiveid is not UTF-8") from exc
    return plain[20:20 + length], receive_id


def wecom_encrypt(key: bytes, message: bytes, receive_id: str) -> str:
    plain = os.urandom(16) + struct.pack(">I", len(message)) + message + receive_id.encode("utf-8")
    return base64.b64encode(_aes_cbc(key, key[:16], _pad(plain, 32), decrypt=False)).decode("ascii")


def feishu_decrypt(encrypt_key: str, encrypt: str) -> bytes:
    raw = _b64(encrypt)
    if len(raw) < 32:
        raise CryptoError("ciphertext too short")
    key = hashlib.sha256(encrypt_key.encode("utf-8")).digest()
    return _unpad(_aes_cbc(key, raw[:16], raw[16:], decrypt=True), 16)


def feishu_signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode("utf-8") + body).hexdigest()


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode("utf-8") + b":" + body
    return "v0=" + hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def dingtalk_sign(app_secret: str, timestamp: str) -> str:
    digest = hmac.new(app_secret.encode("utf-8"), f"{timestamp}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("ciphertext is not base64") from exc


def _aes_cbc(key: bytes, iv: bytes, data: bytes, decrypt: bool) -> bytes:
    if not data or len(data) % 16:
        raise CryptoError("ciphertext is not a whole number of AES blocks")
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = cipher.decryptor() if decrypt else cipher.encryptor()
    return op.update(data) + op.finalize()


def _pad(data: bytes, block: int) -> bytes:
    n = block - len(data) % block
    return data + bytes([n]) * n


def _unpad(data: bytes, block: int) -> bytes:
    n = data[-1] if data else 0
    # Every padding byte is checked, not only the last: a wrong key rarely yields valid padding.
    if not 1 <= n <= block or data[-n:] != bytes([n]) * n:
        raise CryptoError("bad padding (wrong key?)")
    return data[:-n]
