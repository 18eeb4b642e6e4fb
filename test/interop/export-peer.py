#!/usr/bin/python3
"""MIT krb5 (python3-gssapi) as the peer of the export interop tests of gssapi-ts.

One JSON object per line on stdin, one JSON answer per line on stdout; bytes are hex.
Errors come back as {"error": {"major": N, "minor": N, "message": "..."}}.
Besides the usual calls it exports and imports contexts with MIT's own
gss_export_sec_context / gss_import_sec_context, so the tests can observe MIT's status codes.
"""
import json
import sys

import gssapi
import gssapi.raw as raw
from gssapi.raw.misc import GSSError

KRB5 = gssapi.MechType.kerberos
FLAGS = {
    "mutual": gssapi.RequirementFlag.mutual_authentication,
    "replay": gssapi.RequirementFlag.replay_detection,
    "sequence": gssapi.RequirementFlag.out_of_sequence_detection,
}

ctx = None


def handle(req):
    global ctx
    op = req["op"]
    if op == "init":
        flags = 0
        for f in req.get("flags", []):
            flags |= FLAGS[f]
        target = gssapi.Name(req["target"], gssapi.NameType.hostbased_service)
        ctx = gssapi.SecurityContext(name=target, mech=KRB5, usage="initiate", flags=flags)
        tok = ctx.step()
        return {"token": tok.hex() if tok else None, "complete": ctx.complete}
    if op == "accept":
        ctx = gssapi.SecurityContext(usage="accept")
        return {}
    if op == "step":
        tok = ctx.step(bytes.fromhex(req["token"]))
        return {"token": tok.hex() if tok else None, "complete": ctx.complete}
    if op == "wrap":
        return {"token": ctx.wrap(bytes.fromhex(req["msg"]), True).message.hex()}
    if op == "unwrap":
        res = raw.unwrap(ctx, bytes.fromhex(req["token"]))
        return {"msg": res.message.hex()}
    if op == "getmic":
        return {"token": ctx.get_signature(bytes.fromhex(req["msg"])).hex()}
    if op == "verifymic":
        ctx.verify_signature(bytes.fromhex(req["msg"]), bytes.fromhex(req["mic"]))
        return {}
    if op == "inquire":
        res = raw.inquire_context(ctx, initiator_name=False, target_name=False, lifetime=True,
                                  mech=False, flags=True, locally_init=False, complete=True)
        return {"flags": int(res.flags), "lifetime": res.lifetime, "complete": res.complete}
    if op == "export":
        return {"token": raw.export_sec_context(ctx).hex()}
    if op == "import":
        imported = raw.import_sec_context(bytes.fromhex(req["token"]))
        if req.get("keep"):
            ctx = gssapi.SecurityContext(base=imported)
        return {}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        ans = handle(json.loads(line))
    except GSSError as e:
        ans = {"error": {"major": e.maj_code, "minor": e.min_code, "message": e.gen_message()}}
    except Exception as e:  # report, keep serving
        ans = {"error": {"major": -1, "minor": 0, "message": repr(e)}}
    sys.stdout.write(json.dumps(ans) + "\n")
    sys.stdout.flush()
