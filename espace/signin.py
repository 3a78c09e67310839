"""Sign-in to the members' area by a one-time code (django-allauth's login by
code, started here for the people whose access is open). allauth's request
form is not used: it would let any account, staff included, ask for a code.
These hooks use allauth's internal flow API (pinned in pyproject.toml)."""

from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.models import Login
from allauth.account.stages import LoginByCodeStage, LoginStageController

from .access import sign_in_access, user_for_sign_in


def send_code(request, email: str) -> None:
    """Email a code to the person with an open access at this address. Any
    other address gets the same answer and no mail (who has access is not
    told), and a code that cannot match: the next page is the same."""
    access = sign_in_access(email)
    if access is not None:
        user = user_for_sign_in(access)
        LoginCodeVerificationProcess.initiate(
            request=request, user=user, email=access.person.email
        )
        return
    login = Login(user=None, email=email)
    login.state["stages"] = {"current": LoginByCodeStage.key}
    stage = LoginByCodeStage(LoginStageController(request, login), request, login)
    stage.state.update(
        LoginCodeVerificationProcess.initial_state(user=None, email=email, phone=None)
    )
    stage.state["initiated_by_user"] = True
    process = LoginCodeVerificationProcess(stage=stage)
    process.send(skip_enumeration_mails=True)
    process.persist()


def pending_process(request):
    """The code verification waiting in this session, or None."""
    stage = LoginStageController.enter(request, LoginByCodeStage.key)
    if not stage:
        return None, None
    return stage, LoginCodeVerificationProcess.resume(stage)
