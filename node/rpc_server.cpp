#include "node/rpc_server.h"

#include "node/log.h"

namespace btr::node {

RpcServer::RpcServer(uv_loop_t* loop, HttpLimits limits, RpcAuth auth, RpcDispatcher& dispatcher)
    : auth_(std::move(auth)),
      dispatcher_(dispatcher),
      http_(loop, limits, [this](HttpRequest req, HttpResponder responder, const IpAddress&) {
        on_request(std::move(req), std::move(responder));
      }) {}

void RpcServer::on_request(HttpRequest request, HttpResponder responder) {
  HttpResponse r;
  if (!auth_.check(request.header("authorization"))) {
    log_warn("rpc: incorrect or missing credentials");
    r.status = 401;
    r.content_type = "text/html";
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"jsonrpc\"");
    responder.send(std::move(r));
    return;
  }
  if (request.method != "POST") {
    r.status = 405;
    r.content_type = "text/plain";
    r.body = "JSONRPC server handles only POST requests";
    responder.send(std::move(r));
    return;
  }
  if (request.target != "/" && request.target.rfind("/wallet/", 0) != 0) {
    r.status = 404;
    r.content_type = "text/plain";
    responder.send(std::move(r));
    return;
  }
  dispatcher_.handle(request.body, [responder](int status, std::string body) {
    HttpResponse out;
    out.status = status;
    out.body = std::move(body);
    responder.send(std::move(out));
  });
}

}  // namespace btr::node
