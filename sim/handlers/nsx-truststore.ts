// Certificates for L2VPN (reference §9) on both paths: NSX Manager scopes and ids are edge-N /
// certificate-N; the vCD proxy uses the gateway UUID as scope and `{gatewayUuid}:certificate-N`.
import { getEdge } from "../core/access";
import { nsxNotFound } from "../core/nsx/errors";
import { bareCertificateId } from "../core/nsx/l2vpn";
import {
  createCsr,
  deleteCertificate,
  deleteCsr,
  findCertificate,
  findCsr,
  importCertificate,
  selfSign,
} from "../core/nsx/truststore";
import { NSX_CODE, nsxBad } from "../core/nsx/errors";
import { nsxEdges } from "../core/nsx/edges";
import { SimError } from "../core/errors";
import type { Edge } from "../core/world";
import { certificatesTree, certificateTree, csrTree, type IdOf } from "../render/nsx-truststore";
import { emptyReply, nsxXmlReply, requireSession } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";
import { parseCsrBody, parseTrustObjectBody } from "../xml/nsx-truststore-body";
import { edgeOf, onTruststorePaths, viaNsx } from "./nsx-access";
import { runEdgeWrite } from "./nsx-write";

/** How ids in `scope`'s truststore are shown on this path. */
function idOf(ctx: Ctx, scope: Edge): IdOf {
  return viaNsx(ctx) ? (id) => id : (id) => `${scope.id}:${id}`;
}

/**
 * The edge whose truststore holds an object. Via vCD the session must see it (and NSX-only edges
 * do not exist there); a composite `{uuid}:id` must name that same edge.
 */
function scopeEdge(ctx: Ctx, ref: string, scopeNsxId: string): Edge {
  const edge = nsxEdges(ctx.core.world).find((e) => e.nsxId === scopeNsxId);
  if (!edge) throw nsxNotFound(`${ref} was not found.`);
  if (viaNsx(ctx)) return edge;
  const prefix = ref.includes(":") ? ref.slice(0, ref.lastIndexOf(":")) : undefined;
  try {
    if (!ctx.core.world.edges.includes(edge) || (prefix !== undefined && prefix !== edge.id))
      throw nsxNotFound("");
    return getEdge(ctx.core, requireSession(ctx), edge.id);
  } catch (e) {
    if (e instanceof SimError && e.status === 403) throw e;
    throw nsxNotFound(`${ref} was not found.`);
  }
}

function certificate(ctx: Ctx) {
  const ref = ctx.params["ref"]!;
  const cert = findCertificate(ctx.core.world, bareCertificateId(ref));
  return { cert, scope: scopeEdge(ctx, ref, cert.scope) };
}

function importCert(ctx: Ctx): Reply {
  const scope = edgeOf(ctx, ctx.params["ref"]!);
  const input = parseTrustObjectBody(ctx.body);
  return runEdgeWrite(ctx, scope, {
    module: "truststore",
    operation: "certificate import",
    reconfiguresEdge: false,
    apply: () => {
      const certs = importCertificate(ctx.core.world, scope, input, Date.now());
      const ids = idOf(ctx, scope);
      const location = `${ctx.core.baseUrl}${ctx.url.pathname.replace(/\/[^/]+$/, "")}/${ids(certs[0]!.id)}`;
      return {
        reply: {
          ...nsxXmlReply(200, "certificates", certificatesTree(certs, ids)),
          headers: { Location: location },
        },
        location,
      };
    },
  });
}

function listCerts(ctx: Ctx): Reply {
  const scope = edgeOf(ctx, ctx.params["scope"]!);
  const certs = ctx.core.world.nsx.certificates.filter((c) => c.scope === scope.nsxId);
  return nsxXmlReply(200, "certificates", certificatesTree(certs, idOf(ctx, scope)));
}

function getCert(ctx: Ctx): Reply {
  const { cert, scope } = certificate(ctx);
  return nsxXmlReply(200, "certificate", certificateTree(cert, idOf(ctx, scope)));
}

function deleteCert(ctx: Ctx): Reply {
  const { cert, scope } = certificate(ctx);
  return runEdgeWrite(ctx, scope, {
    module: "truststore",
    operation: "certificate delete",
    reconfiguresEdge: false,
    apply: () => {
      deleteCertificate(ctx.core.world, cert);
      return { reply: emptyReply(204) };
    },
  });
}

function postCsr(ctx: Ctx): Reply {
  const scope = edgeOf(ctx, ctx.params["ref"]!);
  const input = parseCsrBody(ctx.body);
  return runEdgeWrite(ctx, scope, {
    module: "truststore",
    operation: "csr create",
    reconfiguresEdge: false,
    apply: () => {
      const csr = createCsr(ctx.core.world, scope, input);
      const ids = idOf(ctx, scope);
      const location = `${ctx.core.baseUrl}${ctx.url.pathname.replace(/\/[^/]+$/, "")}/${ids(csr.id)}`;
      return {
        reply: { ...nsxXmlReply(200, "csr", csrTree(csr, ids)), headers: { Location: location } },
        location,
      };
    },
  });
}

function csrOf(ctx: Ctx) {
  const ref = ctx.params["ref"]!;
  const csr = findCsr(ctx.core.world, bareCertificateId(ref));
  return { csr, scope: scopeEdge(ctx, ref, csr.scope) };
}

function getCsr(ctx: Ctx): Reply {
  const { csr, scope } = csrOf(ctx);
  return nsxXmlReply(200, "csr", csrTree(csr, idOf(ctx, scope)));
}

function listCsrs(ctx: Ctx): Reply {
  const scope = edgeOf(ctx, ctx.params["scope"]!);
  const csrs = ctx.core.world.nsx.csrs.filter((c) => c.scope === scope.nsxId);
  return nsxXmlReply(200, "csrs", { csr: csrs.map((c) => csrTree(c, idOf(ctx, scope))) });
}

function deleteCsrRoute(ctx: Ctx): Reply {
  const { csr, scope } = csrOf(ctx);
  return runEdgeWrite(ctx, scope, {
    module: "truststore",
    operation: "csr delete",
    reconfiguresEdge: false,
    apply: () => {
      deleteCsr(ctx.core.world, csr);
      return { reply: emptyReply(204) };
    },
  });
}

function selfSignCsr(ctx: Ctx): Reply {
  const { csr, scope } = csrOf(ctx);
  const raw = ctx.url.searchParams.get("noOfDays");
  if (raw === null || !/^\d+$/.test(raw))
    throw nsxBad("Self-signing needs ?noOfDays=N (a whole number of days).", NSX_CODE.truststore);
  return runEdgeWrite(ctx, scope, {
    module: "truststore",
    operation: "csr self-sign",
    reconfiguresEdge: false,
    apply: () => {
      const cert = selfSign(ctx.core.world, csr, Number(raw), Date.now());
      return { reply: nsxXmlReply(200, "certificate", certificateTree(cert, idOf(ctx, scope))) };
    },
  });
}

export const nsxTruststoreRoutes: Route[] = [
  ...onTruststorePaths("GET", "/certificate/scope/:scope", listCerts),
  ...onTruststorePaths("POST", "/certificate/:ref", importCert),
  ...onTruststorePaths("GET", "/certificate/:ref", getCert),
  ...onTruststorePaths("DELETE", "/certificate/:ref", deleteCert),
  ...onTruststorePaths("GET", "/csr/scope/:scope", listCsrs),
  ...onTruststorePaths("POST", "/csr/:ref", postCsr),
  ...onTruststorePaths("GET", "/csr/:ref", getCsr),
  ...onTruststorePaths("PUT", "/csr/:ref", selfSignCsr),
  ...onTruststorePaths("DELETE", "/csr/:ref", deleteCsrRoute),
];
