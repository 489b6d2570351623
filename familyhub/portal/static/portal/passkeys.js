// Passkeys on the family side (portal.passkeys): add one, and sign in with one.
// Without JavaScript, or in a browser without passkeys, the buttons stay hidden and the
// one-time code is the way in. Options and answers go to the server as JSON (WebAuthn Level 2).

function toBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function csrfToken(root) {
  const input = root.querySelector("input[name=csrfmiddlewaretoken]") ||
    document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token, "Content-Type": "application/json" },
    body: body === undefined ? "{}" : JSON.stringify(body),
  });
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    data = {};
  }
  return { ok: response.ok, data };
}

function say(root, message) {
  const box = root.querySelector("[data-passkey-error]");
  box.textContent = message;
  box.hidden = !message;
}

function descriptors(list) {
  return (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));
}

// One ceremony: ask the server for options, let the browser make (add) or use (sign in) the
// passkey, and post the answer back; the server's redirect or its message follows.
async function ceremony(root, toPublicKey, run, answerOf) {
  const token = csrfToken(root);
  const options = await post(root.dataset.optionsUrl, token);
  if (!options.ok) return say(root, root.dataset.failed);
  let credential;
  try {
    credential = await run({ publicKey: toPublicKey(options.data) });
  } catch (error) {
    return say(root, root.dataset.cancelled);
  }
  const answer = await post(root.dataset.url, token, {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: answerOf(credential.response),
    clientExtensionResults: credential.getClientExtensionResults(),
  });
  if (!answer.ok) return say(root, answer.data.error || root.dataset.failed);
  window.location.assign(answer.data.redirect);
}

function addPasskey(root) {
  return ceremony(
    root,
    (data) => ({
      ...data,
      challenge: toBytes(data.challenge),
      user: { ...data.user, id: toBytes(data.user.id) },
      excludeCredentials: descriptors(data.excludeCredentials),
    }),
    (options) => navigator.credentials.create(options),
    (response) => ({
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    }),
  );
}

function signIn(root) {
  return ceremony(
    root,
    (data) => ({
      ...data,
      challenge: toBytes(data.challenge),
      allowCredentials: descriptors(data.allowCredentials),
    }),
    (options) => navigator.credentials.get(options),
    (response) => ({
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
    }),
  );
}

for (const root of document.querySelectorAll("[data-passkey]")) {
  if (!window.PublicKeyCredential) continue;
  root.hidden = false;
  const action = root.dataset.passkey === "add" ? addPasskey : signIn;
  root.querySelector("button").addEventListener("click", () => action(root));
}
