# notebook: vision.ipynb
# cell: evaluate
# loses: test_evaluate_shapes
# why: evaluates without torch.inference_mode() / no_grad(), recording a graph for nothing
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)
        total_loss += loss_fn(logits, labels).item()
        correct += (logits.argmax(dim=1) == labels).sum().item()
        count += len(labels)
    return total_loss / len(loader), correct / count
