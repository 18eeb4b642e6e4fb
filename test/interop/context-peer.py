#!/usr/bin/python3
"""MIT krb5 (through python3-gssapi) as a GSS peer for the interop tests of gssapi-ts.

One JSON object per line on stdin, one JSON answer per line on stdout. Byte strings are hex.
Errors come back as {"error": {"major": N, "minor": N, "message": "..."}}.
"""
import json
import sys

import gssapi
import gssapi.raw as raw
from gssapi.raw.misc import GSSError

KRB5 = gssapi.MechType.kerberos
SPNEGO = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
FLAG_NAMES = {
    "mutual": gssapi.RequirementFlag.mutual_authentication,
    "replay": gssapi.RequirementFlag.replay_detection,
    "sequence": gssapi.RequirementFlag.out_of_sequence_detection,
    "conf": gssapi.RequirementFlag.confidentiality,
    "integ": gssapi.RequirementFlag.integrity,
    "deleg": gssapi.RequirementFlag.delegate_to_peer,
}

ctx = None
deleg = None


def bindings(cb):
    if cb is None:
        return None
    return raw.ChannelBindings(
        initiator_address_type=cb.get("initiatorAddrType", 0),
        initiator_address=bytes.fromhex(cb.get("initiatorAddress", "")) or None,
        acceptor_address_type=cb.get("acceptorAddrType", 0),
        acceptor_address=bytes.fromhex(cb.get("acceptorAddress", "")) or None,
        application_data=bytes.fromhex(cb.get("applicationData", "")) or None,
    )


def hexo(b):
    return None if b is None else b.hex()


def handle(req):
    global ctx, deleg
    op = req["op"]
    if op == "init":
        target = gssapi.Name(req["target"], gssapi.NameType.hostbased_service)
        flags = 0
        for f in req.get("flags", []):
            flags |= FLAG_NAMES[f]
        mech = SPNEGO if req.get("mech") == "spnego" else KRB5
        creds = None
        if req.get("negMechs"):
            # gss_set_neg_mechs(3): the SPNEGO initiator offers these, in this order.
            creds = gssapi.Credentials(usage="initiate", mechs=[SPNEGO])
            raw.set_neg_mechs(creds, [gssapi.OID.from_int_seq(m) for m in req["negMechs"]])
        ctx = gssapi.SecurityContext(name=target, mech=mech, usage="initiate", flags=flags,
                                     creds=creds, channel_bindings=bindings(req.get("cb")))
        # A server that speaks first hands the initiator its NegTokenInit2 as the first input.
        tok = ctx.step(bytes.fromhex(req["input"])) if req.get("input") else ctx.step()
        return {"token": hexo(tok), "complete": ctx.complete}
    if op == "accept":
        creds = None
        if req.get("name"):
            creds = gssapi.Credentials(name=gssapi.Name(req["name"], gssapi.NameType.hostbased_service),
                                       usage="accept")
        ctx = gssapi.SecurityContext(creds=creds, usage="accept",
                                     channel_bindings=bindings(req.get("cb")))
        return {}
    if op == "step":
        tok = ctx.step(bytes.fromhex(req["token"]))
        out = {"token": hexo(tok), "complete": ctx.complete}
        if ctx.complete:
            out["mech"] = ctx.mech.dotted_form
        if ctx.complete and ctx.usage == "accept" and ctx.delegated_creds is not None:
            deleg = ctx.delegated_creds
            out["delegated"] = str(deleg.name)
        return out
    if op == "inquire":
        return {
            "flags": int(ctx.actual_flags),
            "initiator": str(ctx.initiator_name),
            "acceptor": str(ctx.target_name),
            "lifetime": ctx.lifetime,
            "locallyInitiated": ctx.locally_initiated,
            "established": ctx.complete,
        }
    if op == "wrap":
        res = ctx.wrap(bytes.fromhex(req["msg"]), req.get("conf", True))
        return {"token": res.message.hex(), "conf": res.encrypted}
    if op == "unwrap":
        res = ctx.unwrap(bytes.fromhex(req["token"]))
        return {"msg": res.message.hex(), "conf": res.encrypted}
    if op == "getmic":
        return {"token": ctx.get_signature(bytes.fromhex(req["msg"])).hex()}
    if op == "verifymic":
        ctx.verify_signature(bytes.fromhex(req["msg"]), bytes.fromhex(req["mic"]))
        return {}
    if op == "use-delegated":
        # Initiate to another service with the delegated TGT (the ticket comes from the KDC).
        target = gssapi.Name(req["target"], gssapi.NameType.hostbased_service)
        c2 = gssapi.SecurityContext(name=target, mech=KRB5, usage="initiate", creds=deleg)
        tok = c2.step()
        return {"token": hexo(tok), "client": str(deleg.name)}
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
