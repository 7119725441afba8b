#!/usr/bin/env python3
"""double.py - a stand-in for Escargot's side of the contract with a
Passport server, for t/35-escargot.t. It is not Escargot and contains
none of its code: it was written from a fact sheet on Escargot's source
(subpurple/escargot at 1f5a190), rule by rule, and each rule names the
Escargot source lines it was checked against.

It plays:
  - the notification server (NS): USR TWN (MSNP8-14) and USR SSO with
    MBI_KEY_OLD (MSNP15+), each ticket looked up in t_login_token as
    Escargot's NS looks it up, the user in t_user;
  - the address book and storage services, found behind Apache's
    ProxyPass: the session is found by the 20 characters of the ticket,
    among live NS sessions only;
  - the clean-up task that deletes expired t_login_token rows every
    second;
  - a few other paths (POST /, /svcs/mms/tabs.asp, its own Nexus) so that
    the test sees what Apache proxies and what it keeps.
Every decision goes to the log, one line each. Where Escargot raises
(an expiry it cannot parse, two rows for one token), its dispatcher logs
the exception and answers nothing, so the client waits (msnp.py:38-43);
the double logs "ERROR ..." and closes the connection without an
answer, so that a test need not wait. The rule numbers are those of the
fact sheet.

  double.py serve --db DB --ns-port N --http-port M --login-host H --log F
  double.py selftest

Needs python3 and python3-cryptography (for 3DES), as Escargot does.
"""

import base64
import datetime
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets
import socketserver
import sqlite3
import struct
import sys
import threading
import time
import traceback
import urllib.parse
import xml.etree.ElementTree as ET

from cryptography.hazmat.primitives.ciphers import Cipher, modes
try:                            # cryptography 43 and later
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:             # Debian 12's 38
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES

LOG_LOCK = threading.Lock()
LOG_FILE = None


def log(line):
    with LOG_LOCK:
        stamp = datetime.datetime.utcnow().strftime('%H:%M:%S.%f')
        out = '%s %s\n' % (stamp, line)
        if LOG_FILE:
            with open(LOG_FILE, 'a') as fh:
                fh.write(out)
        else:
            sys.stderr.write(out)


def short(token):
    """A token in a log line: its first six characters."""
    return (token or '')[:6] + '...'


# ---- the token store (rule 1; core/db.py:128-135, core/auth.py:34-43) ----

# SQLAlchemy 1.x reads an SQLite DATETIME with this pattern, the fraction
# as an integer number of microseconds; anything else raises (rule 1).
DATETIME_RE = re.compile(r'(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)(?:\.(\d+))?')


def parse_datetime(value):
    if not isinstance(value, str):
        raise ValueError("Couldn't parse datetime string: %r (not text)"
                         % (value,))
    m = DATETIME_RE.match(value)
    if m is None:
        raise ValueError("Couldn't parse datetime string: %r" % (value,))
    return datetime.datetime(*[int(g or 0) for g in m.groups()])


def format_datetime(dt):
    """How SQLAlchemy writes a DateTime on SQLite (escargot.md, 9)."""
    return dt.strftime('%Y-%m-%d %H:%M:%S.%f')


def utcnow():
    return datetime.datetime.utcnow()


class Store:
    def __init__(self, path):
        self.path = path

    def connect(self):
        # Python's sqlite3 waits up to 5 s on a locked database, as
        # Escargot's SQLAlchemy engine does by default
        return sqlite3.connect(self.path, timeout=5)

    def get_token(self, purpose, token):
        """auth.py:34-39: exact token and purpose, one row or none
        (.one_or_none() raises on two), not expired; not deleted."""
        with self.connect() as db:
            rows = db.execute('SELECT data, expiry FROM t_login_token '
                              'WHERE token = ? AND purpose = ?',
                              (token, purpose)).fetchall()
        if len(rows) > 1:
            raise LookupError('MultipleResultsFound: %d rows for one token '
                              'and purpose' % len(rows))
        if not rows:
            return None
        data, expiry = rows[0]
        if parse_datetime(expiry) <= utcnow():
            return None
        return json.loads(data)

    def user_by_uuid(self, uuid):
        """core/user.py:95: the uuid compared exactly."""
        with self.connect() as db:
            row = db.execute('SELECT uuid, email, friendly_name FROM t_user '
                             'WHERE uuid = ?', (uuid,)).fetchone()
        return None if row is None else {'uuid': row[0], 'email': row[1],
                                         'name': row[2] or row[1]}

    def remove_expired(self):
        """backend.py:450-457, auth.py:41-43: every second, a text
        comparison on SQLite against now in Escargot's format."""
        with self.connect() as db:
            cur = db.execute('DELETE FROM t_login_token WHERE expiry <= ?',
                             (format_datetime(utcnow()),))
            return cur.rowcount


# ---- live NS sessions, by token (backend.py:1190-1232) ---------------------

SESSIONS = {}
SESSIONS_LOCK = threading.Lock()


def session_by_token(token):
    with SESSIONS_LOCK:
        return SESSIONS.get(token)


# ---- MBI_KEY_OLD (rule 6; msnp_ns.py:283-340, front/msn/misc.py:404-434) ----

def derive(key, magic):
    h1 = hmac.new(key, magic, hashlib.sha1).digest()
    h2 = hmac.new(key, h1 + magic, hashlib.sha1).digest()
    h3 = hmac.new(key, h1, hashlib.sha1).digest()
    h4 = hmac.new(key, h3 + magic, hashlib.sha1).digest()
    return h2 + h4[:4]


def des3_cbc(key, iv, data):
    enc = Cipher(TripleDES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def mbi_ok(secret_b64, nonce, blob_b64):
    """The server's check, by re-encryption: (ok, why)."""
    try:
        blob = base64.b64decode(blob_b64)      # not strict, as Python's
    except Exception:
        return False, 'the blob is not base64'
    if len(blob) < 28:
        return False, 'the blob is shorter than 28 bytes'
    if struct.unpack('<IIIIII', blob[:24]) != (28, 1, 0x6603, 0x8004, 8, 20):
        return False, 'the blob header is wrong'
    n = struct.unpack('<I', blob[24:28])[0]
    rest = blob[28:]
    if len(rest) != 8 + 20 + n:
        return False, 'the blob length is wrong'
    iv, got_hash, got_cipher = rest[:8], rest[8:28], rest[28:]
    if secret_b64 is None:
        return False, 'the token row has no secret (data[1] is null)'
    key1 = base64.b64decode(secret_b64)
    key2 = derive(key1, b'WS-SecureConversationSESSION KEY HASH')
    key3 = derive(key1, b'WS-SecureConversationSESSION KEY ENCRYPTION')
    want_hash = hmac.new(key2, nonce, hashlib.sha1).digest()
    pad = 8 - len(nonce) % 8
    want_cipher = des3_cbc(key3, iv, nonce + bytes([pad]) * pad)
    if got_hash != want_hash or got_cipher != want_cipher:
        return False, 'the hash or the cipher does not match the secret'
    return True, 'ok'


# ---- the NS ---------------------------------------------------------------

GUID_RE = re.compile(r'^\{?[A-Fa-f0-9]{8,8}-([A-Fa-f0-9]{4,4}-){3,3}'
                     r'[A-Fa-f0-9]{12,12}\}?')
CHALLENGE = 'ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1'
SHIELDS = '<Policies><Policy type="SHIELDS"><config/></Policy></Policies>'


class Closed(Exception):
    pass


class NS(socketserver.StreamRequestHandler):
    def setup(self):
        super().setup()
        self.dialect = 0
        self.usr_email = None
        self.nonce = None
        self.session = None
        self.tokens = []

    def send(self, *args, payload=None):
        line = ' '.join(str(a) for a in args)
        if payload is not None:
            body = payload.encode('utf-8')
            self.wfile.write(('%s %d\r\n' % (line, len(body))).encode()
                             + body)
        else:
            self.wfile.write((line + '\r\n').encode('utf-8'))
        self.wfile.flush()

    def fail(self, trid, why):
        log('NS %s -> 911: %s' % (self.where(), why))
        self.send(911, trid)
        raise Closed()

    def close(self, why):
        log('NS %s -> closed: %s' % (self.where(), why))
        raise Closed()

    def where(self):
        return 'MSNP%d %s' % (self.dialect, self.usr_email or '-')

    def handle(self):
        try:
            while True:
                raw = self.rfile.readline()
                if not raw:
                    break
                # msnp.py:139, 159: split on white space, each argument
                # URL-decoded
                args = [urllib.parse.unquote(a)
                        for a in raw.decode('utf-8').split()]
                if len(args) < 2:
                    break
                getattr(self, 'cmd_' + args[0], self.cmd_unknown)(*args[1:])
        except (Closed, ConnectionResetError, BrokenPipeError):
            pass                        # we closed it, or the client went
        except Exception:
            # msnp.py:38-43: logged, nothing sent
            log('ERROR NS %s: %s' % (self.where(),
                                     traceback.format_exc().strip()
                                     .replace('\n', ' | ')))
        finally:
            with SESSIONS_LOCK:
                for t in self.tokens:
                    SESSIONS.pop(t, None)
            if self.session:
                log('NS %s: session closed' % self.where())

    def cmd_unknown(self, trid, *rest):
        self.close('unknown command')

    def cmd_VER(self, trid, *versions):
        # msnp_ns.py:33-39, 92-110: the highest dialect both speak
        offered = [int(v[4:]) for v in versions
                   if v.startswith('MSNP') and v[4:].isdigit()]
        usable = [d for d in offered if 2 <= d <= 18]
        if not usable:
            self.send('VER', trid, 0)
            self.close('no dialect in common')
        self.dialect = max(usable)
        self.send('VER', trid, 'MSNP%d' % self.dialect)

    def cmd_CVR(self, trid, *rest):
        self.send('CVR', trid, '1.0.0000', '1.0.0000', '1.0.0000',
                  'http://example.invalid', 'http://example.invalid')

    def cmd_OUT(self, *rest):
        raise Closed()

    def token_of(self, arg):
        # rule 3; msnp_ns.py:225-227, 267-269
        return arg[2:22] if arg[0:2] == 't=' else arg

    def cmd_USR(self, trid, authtype, stage, *args):
        d = self.dialect
        if authtype == 'TWN':
            # rule 2; msnp_ns.py:198-237
            if d >= 15 or d < 8:
                self.close('TWN is MSNP8-14')
            if self.session:
                self.send(205, trid)
                return
            if stage == 'I':
                self.usr_email = args[0]
                if '@' not in self.usr_email:
                    self.fail(trid, 'no @ in the address')
                if d >= 13:
                    self.send('GCF', 0, payload=SHIELDS)
                self.send('USR', trid, 'TWN', 'S', CHALLENGE)
                return
            if stage == 'S':
                self.sign_in(trid, self.token_of(args[0]), None)
                return
        if authtype == 'SSO':
            # rule 2; msnp_ns.py:239-366
            if d < 15:
                self.close('SSO is MSNP15+')
            if self.session:
                self.send(205, trid)
                return
            if stage == 'I':
                self.usr_email = args[0]
                if '@' not in self.usr_email:
                    self.fail(trid, 'no @ in the address')
                self.nonce = base64.b64encode(secrets.token_bytes(48))
                self.send('GCF', 0, payload=SHIELDS)
                self.send('USR', trid, 'SSO', 'S', 'MBI_KEY_OLD',
                          self.nonce.decode())
                return
            if stage == 'S':
                self.sign_in(trid, self.token_of(args[0]), args[1:])
                return
        self.fail(trid, 'unknown USR')

    def sign_in(self, trid, token, sso):
        # rule 4: the token row, exactly (no prefix match, p= ignored)
        data = STORE.get_token('nb/login', token)
        machineguid = None
        user = None
        if data is None:
            log('NS %s: no live nb/login row for token %s'
                % (self.where(), short(token)))
        else:
            uuid = data[0]
            if sso is not None:
                # rule 6: always for MSNP16+, for MSNP15 only with a blob
                if self.dialect >= 16 or len(sso) > 0:
                    ok, why = mbi_ok(data[1], self.nonce, sso[0])
                    if not ok:
                        self.fail(trid, 'MBI: ' + why)
                    log('NS %s: MBI answer checked against the recorded '
                        'secret' % self.where())
                if self.dialect >= 16:
                    machineguid = sso[1]        # IndexError, as Escargot
                    if not GUID_RE.match(machineguid):
                        self.fail(trid, 'machine GUID')
            # rule 5: the user by uuid, exactly (backend.py:133-160)
            user = STORE.user_by_uuid(uuid)
            if user is None:
                log('NS %s: no t_user row with uuid %s' % (self.where(),
                                                          uuid))
        # rule 5: msnp_ns.py:379, the address compared case-sensitively
        if user is None:
            self.fail(trid, 'no session')
        if user['email'] != self.usr_email:
            self.fail(trid, "t_user.email '%s' is not the USR address '%s' "
                      "(case-sensitive)" % (user['email'], self.usr_email))
        # rule 7: the session, under the 20 characters (msnp_ns.py:384)
        self.session = user
        self.tokens.append(token)
        with SESSIONS_LOCK:
            SESSIONS[token] = user
        log('NS %s: signed in, uuid %s, session token %s'
            % (self.where(), user['uuid'], short(token)))
        if self.dialect < 10:
            self.send('USR', trid, 'OK', user['email'],
                      urllib.parse.quote(user['name']), 1, 0)
        else:
            self.send('USR', trid, 'OK', user['email'], 1, 0)
        if self.dialect >= 11:
            self.send('SBS', 0, 'null')
        # the profile: the PUID as Escargot's NS reports it (misc.py:240)
        u = user['uuid']
        self.send('MSG', 'Hotmail', 'Hotmail', payload=(
            'MIME-Version: 1.0\r\n'
            'Content-Type: text/x-msmsgsprofile; charset=UTF-8\r\n'
            'MemberIdHigh: %d\r\nMemberIdLow: %d\r\n'
            'MSPAuth: %s&p=\r\n\r\n') % (int(u[0:8], 16), int(u[28:36], 16),
                                       token))


# ---- the HTTP services (rule 8; front/msn/http/util.py:18-48) --------------

def ticket_of(body, cookie_header):
    """(token, source) as preprocess_soap takes it, or (None, why)."""
    token = None
    mspauth = False
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        raise ValueError('the body is not XML: %s' % e)
    # the first element named TicketToken, in any namespace
    for el in root.iter():
        if el.tag.rsplit('}', 1)[-1] == 'TicketToken':
            token = el.text or ''
            break
    if token is None and cookie_header:
        for part in cookie_header.split(';'):
            name, _, value = part.strip().partition('=')
            if name == 'MSPAuth':
                token, mspauth = value, True
                break
    if token is None:
        return None, 'no TicketToken and no MSPAuth cookie'
    if token[0:2] == 't=':
        return token[2:22], 'TicketToken' if not mspauth else 'MSPAuth'
    if mspauth:
        return token[0:20], 'MSPAuth'
    return token, 'TicketToken'


class HTTP(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body=b'', ctype='text/xml', headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        log('HTTP %s %s -> %d' % (self.command, self.path, status))

    def do_GET(self):
        if self.path == '/svcs/mms/tabs.asp':
            return self.answer(200, b'<tabs/>')
        if self.path in ('/rdr/pprdr.asp', '/nexus-mock'):
            # Escargot's own Nexus (other.py:567-570): Apache must not
            # let clients see it
            return self.answer(200, headers=[(
                'PassportURLs', 'DALogin=https://%s/login' % LOGIN_HOST)])
        return self.answer(404, b'')

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n)
        path = self.path
        if path == '/':
            return self.answer(200, b'', 'text/html')   # other.py:71-73
        if path in ('/abservice/abservice.asmx',
                    '/abservice/SharingService.asmx',
                    '/storageservice/SchematizedStore.asmx'):
            try:
                token, source = ticket_of(body, self.headers.get('Cookie'))
            except ValueError as e:
                log('ERROR HTTP %s: %s' % (path, e))
                return self.answer(500)
            if token is None:
                log('HTTP %s: %s' % (path, source))
                return self.answer(500)                 # util.py:33-34
            user = session_by_token(token)
            log('HTTP %s: %s %s -> %s' % (path, source, short(token),
                'session of ' + user['email'] if user else 'no session'))
            if user is None:
                # abservice.py:25-27: 403; storage: 500 (other.py:78)
                return self.answer(403 if 'abservice' in path else 500)
            return self.answer(200, ('<Result><uuid>%s</uuid><email>%s'
                                     '</email></Result>' % (
                                         user['uuid'], user['email'])
                                     ).encode())
        return self.answer(404, b'')


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


class ThreadingHTTP(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def cleanup_forever():
    while True:
        time.sleep(1)
        try:
            n = STORE.remove_expired()
            if n:
                log('CLEANUP deleted %d expired t_login_token row(s)' % n)
        except Exception as e:
            log('ERROR CLEANUP: %s' % e)


# ---- self-test: the double's own pieces against known answers ---------------

def pbkdf2_verify(password, stored):
    """util/hash.py:38-62: re-encode with the stored iterations and salt
    (the salt as ASCII), compare the whole string in constant time."""
    algo, iterations, salt, _ = stored.split('$', 3)
    if algo != 'pbkdf2_sha256':
        return False
    key = hashlib.pbkdf2_hmac('sha256', password.encode(), salt.encode(),
                              int(iterations), 32)
    mine = '$'.join([algo, iterations, salt,
                     base64.b64encode(key).decode()])
    return hmac.compare_digest(mine, stored)


def selftest():
    results = []

    def check(cond, name):
        results.append((bool(cond), name))

    # CLIENTS.md's known-answer vector for MBI_KEY_OLD
    secret = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
    nonce = b'A' * 63 + b'='
    blob = ('HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAA7XgT5ohvaZdoXdrW'
            'UUcMF2G8OK2JohyYcK5l5MJSitab33scxJeK/RQXcUr0L+R2ZA9CEAzn0izmUz'
            'SMp2LZdxSbHtnuxCmptgtoScHp9E26HjQVkA9YJxgK/HM=')
    check(mbi_ok(secret, nonce, blob)[0], 'MBI: the known answer checks')
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1
    check(not mbi_ok(secret, nonce, base64.b64encode(bytes(raw)))[0],
          'MBI: one flipped bit does not')
    check(not mbi_ok('BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=', nonce, blob)[0],
          'MBI: another secret does not')
    check(not mbi_ok(None, nonce, blob)[0], 'MBI: a null secret does not')
    # Escargot's hash format (util/hash.py:15-62): a vector computed with
    # hashlib for the fact sheet, and the test's second account
    check(pbkdf2_verify('123456', 'pbkdf2_sha256$24000$0123456789abcde$'
                        'yONiVRpWKzcFc94bBt+zbJBxNhpz8i/k2sluSCws4EM='),
          'pbkdf2: the known answer')
    check(pbkdf2_verify('bob-pw 2', 'pbkdf2_sha256$24000$fedcba987654321$'
                        'edx4ed+9hFY0s9cky4oM1YJw6FL8xDh81wioyOKWR4c='),
          "pbkdf2: Bob's hash")
    check(not pbkdf2_verify('12345', 'pbkdf2_sha256$24000$0123456789abcde$'
                            'yONiVRpWKzcFc94bBt+zbJBxNhpz8i/k2sluSCws4EM='),
          'pbkdf2: a wrong password')
    # DATETIME as SQLAlchemy 1.x reads it
    check(parse_datetime('2030-01-02 03:04:05.678901')
          == datetime.datetime(2030, 1, 2, 3, 4, 5, 678901),
          'datetime: Escargot\'s own format')
    check(parse_datetime('2030-01-02 03:04:05')
          == datetime.datetime(2030, 1, 2, 3, 4, 5), 'datetime: no fraction')
    for bad in ('2030-01-02T03:04:05', 1893456000, '', None):
        try:
            parse_datetime(bad)
            check(False, 'datetime: %r refused' % (bad,))
        except ValueError:
            check(True, 'datetime: %r refused' % (bad,))
    # the slicing of tickets
    check(NS.token_of(None, 't=0123456789abcdefghijKLMN&p=') ==
          '0123456789abcdefghij', 'NS: t= then 20 characters')
    check(NS.token_of(None, '0123456789abcdefghijKLMN') ==
          '0123456789abcdefghijKLMN', 'NS: without t=, the whole argument')
    x = (b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
         b'<s:Header><a:H xmlns:a="urn:x"><a:TicketToken>t=ABCDEFGHIJKLMNOPQR'
         b'STUVWX&amp;p=1</a:TicketToken></a:H></s:Header><s:Body/>'
         b'</s:Envelope>')
    check(ticket_of(x, None) == ('ABCDEFGHIJKLMNOPQRST', 'TicketToken'),
          'address book: a TicketToken in any namespace, [2:22]')
    check(ticket_of(b'<x/>', 'a=b; MSPAuth=ABCDEFGHIJKLMNOPQRSTUV') ==
          ('ABCDEFGHIJKLMNOPQRST', 'MSPAuth'),
          'address book: MSPAuth without t=, [0:20]')
    check(ticket_of(b'<x/>', None)[0] is None, 'address book: neither')
    for ok, name in results:
        print('%s - %s' % ('ok' if ok else 'NOT OK', name))
    bad = [n for ok, n in results if not ok]
    print('selftest %s (%d checks)' % ('failed' if bad else 'ok',
                                         len(results)))
    return 1 if bad else 0


STORE = None
LOGIN_HOST = 'login.example.invalid'


def main(argv):
    global STORE, LOG_FILE, LOGIN_HOST
    if argv[1:2] == ['selftest']:
        return selftest()
    if argv[1:2] != ['serve']:
        sys.stderr.write(__doc__)
        return 2
    opts = dict(zip(argv[2::2], argv[3::2]))
    LOG_FILE = opts['--log']
    LOGIN_HOST = opts.get('--login-host', LOGIN_HOST)
    STORE = Store(opts['--db'])
    ns = ThreadingTCP(('127.0.0.1', int(opts['--ns-port'])), NS)
    web = ThreadingHTTP(('127.0.0.1', int(opts['--http-port'])), HTTP)
    for target in (ns.serve_forever, web.serve_forever, cleanup_forever):
        threading.Thread(target=target, daemon=True).start()
    log('READY ns=%s http=%s pid=%d' % (opts['--ns-port'],
                                       opts['--http-port'], os.getpid()))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
