# notebook: vision.ipynb
# cell: evaluate
# loses: test_evaluate, test_evaluate_values
# why: averages per-batch accuracies, which overweights the smaller last batch
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, accuracies = 0.0, []
    with torch.inference_mode():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            logits = model(images)
            total_loss += loss_fn(logits, labels).item()
            accuracies.append((logits.argmax(dim=1) == labels).float().mean().item())
    return total_loss / len(loader), sum(accuracies) / len(accuracies)
